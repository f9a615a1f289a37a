/**
 * The app's entry point (package.json "main"): importing a module registers its functions with the
 * host, exactly as the Azure Functions Node.js v4 programming model expects.
 */
// First: every invocation after it runs in its telemetry scope (invocation and orchestration IDs).
import '../shared/adapters/telemetry/invocationHooks';
import './http/health';
import './http/openApi';
import './http/devIdentity';
import './http/entraSignIn';
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
