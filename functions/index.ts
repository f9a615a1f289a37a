/**
 * The app: importing a module registers its functions with the host, exactly as the Azure Functions
 * Node.js v4 programming model expects. The host loads it through functions/hostEntry.ts (package.json
 * "main"), on the first call; that entry registers the telemetry hook too.
 */
import './http/httpRoutes';
import './orchestrations/deviceBatchOrchestration';
import './activities/batchActivities';
import './orchestrations/invitationEmailOrchestration';
import './activities/emailActivities';
import './timers/invitationEmailSweeper';
import './timers/portalUploadPurge';
