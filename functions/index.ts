/**
 * The app: importing a module registers its functions with the host, exactly as the Azure Functions
 * Node.js v4 programming model expects. The host loads it through functions/hostEntry.ts (package.json
 * "main"), on the first call; that entry registers the telemetry hook too.
 */
import './http/health';
import './http/openApi';
import './http/devIdentity';
import './http/entraSignIn';
import './http/signOut';
import './http/invitations';
import './http/consentPage';
import './http/customers';
import './http/tenantPartners';
import './http/tenantAdminPage';
import './http/audit';
import './http/deviceBatches';
import './http/portalCustomers';
import './http/portalUpload';
import './http/portalBatches';
import './http/portalStatic';
import './orchestrations/deviceBatchOrchestration';
import './activities/batchActivities';
import './orchestrations/invitationEmailOrchestration';
import './activities/emailActivities';
import './timers/invitationEmailSweeper';
import './timers/portalUploadPurge';
