import { registerRoutes } from '../../shared/adapters/http/httpRoute';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { auditRoutes } from './audit';
import { consentRoutes } from './consentPage';
import { customerRoutes } from './customers';
import { devIdentityRoutes } from './devIdentity';
import { deviceBatchRoutes } from './deviceBatches';
import { entraSignInRoutes } from './entraSignIn';
import { healthRoutes } from './health';
import { invitationRoutes } from './invitations';
import { openApiRoute } from './openApi';
import { partnerCenterRoutes } from './partnerCenter';
import { portalBatchRoutes } from './portalBatches';
import { portalCustomerRoutes } from './portalCustomers';
import { portalStaticRoutes } from './portalStatic';
import { portalUploadRoutes } from './portalUpload';
import { signOutRoutes } from './signOut';
import { tenantAdminPageRoutes } from './tenantAdminPage';
import { tenantPartnerRoutes } from './tenantPartners';

/**
 * Every HTTP route of the app, one table per family: the Functions host registers these, and the OpenAPI
 * document (GET /api/openapi.json) describes exactly these. A new family is a table here.
 */
export const HTTP_ROUTES: readonly HttpRoute[] = [
  ...healthRoutes,
  openApiRoute(() => HTTP_ROUTES),
  ...devIdentityRoutes,
  ...entraSignInRoutes,
  ...signOutRoutes,
  ...invitationRoutes,
  ...consentRoutes,
  ...customerRoutes,
  ...tenantPartnerRoutes,
  ...tenantAdminPageRoutes,
  ...auditRoutes,
  ...deviceBatchRoutes,
  ...portalCustomerRoutes,
  ...portalUploadRoutes,
  ...portalBatchRoutes,
  ...portalStaticRoutes,
  ...partnerCenterRoutes,
];

registerRoutes(HTTP_ROUTES);
