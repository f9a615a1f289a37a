import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AuditListSchema, AuditQuerySchema } from './auditContract';
import { ProblemSchema } from './common';
import { AcceptFormSchema } from './consentContract';
import { CustomerListSchema, CustomerSchema } from './customerContract';
import { DevTenantRequestSchema, DevTokenRequestSchema, DevTokenResponseSchema } from './devContract';
import {
  CreateInvitationRequestSchema,
  InvitationListSchema,
  InvitationResponseSchema,
} from './invitationContract';
import { PortalBatchProgressSchema } from './portalContract';
import { TenantPartnerListSchema } from './tenantAdminContract';
import {
  BatchAcceptedSchema,
  BatchStatusSchema,
  DeviceBatchRequestSchema,
  DeviceListQuerySchema,
  DeviceOutcomePageSchema,
  DeviceSchema,
  ValidateRequestSchema,
  ValidateResponseSchema,
} from './deviceBatchContract';

/**
 * The OpenAPI 3.1 description of the public contract, generated from the same zod schemas the
 * handlers parse with, so the two cannot drift apart.
 */
const guidParam = z.string().describe('GUID');

function buildRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  const security = [{ [bearer.name]: [] }];
  const Problem = ProblemSchema.meta({ id: 'Problem' });
  const problem = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: Problem } },
  });
  const jsonBody = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const ok = (description: string, schema: z.ZodType) => ({ description, ...jsonBody(schema) });
  const refusals = {
    400: problem('The request is not valid; `code` and `field` say what to fix'),
    401: problem('Missing or invalid bearer token'),
    403: problem('This caller may not do this'),
  };

  const Invitation = InvitationResponseSchema.meta({ id: 'Invitation' });
  const Customer = CustomerSchema.meta({ id: 'Customer' });

  registry.registerPath({
    method: 'get',
    path: '/api/health',
    summary: 'Ready when storage and the orchestration runtime are',
    responses: { 200: { description: 'Ready' }, 503: problem('Not ready') },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/invitations',
    summary: 'Create an invitation link to send to a customer',
    security,
    request: { body: jsonBody(CreateInvitationRequestSchema.meta({ id: 'CreateInvitationRequest' })) },
    responses: {
      201: ok('Created', Invitation),
      200: ok("An eligible OEM's existing reusable link", Invitation),
      ...refusals,
      413: problem('Body too large'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/invitations',
    summary: "The partner's invitations",
    security,
    responses: { 200: ok('Invitations', InvitationListSchema), ...refusals },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/v1/invitations/{id}',
    summary: 'Withdraw an invitation: its link stops working',
    security,
    request: { params: z.object({ id: guidParam }) },
    responses: {
      204: { description: 'Withdrawn' },
      ...refusals,
      404: problem('No such invitation for this partner'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/customers',
    summary: "The partner's customers",
    security,
    responses: { 200: ok('Customers', CustomerListSchema), ...refusals },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/customers/{tenantId}',
    summary: 'One customer of the partner',
    security,
    request: { params: z.object({ tenantId: guidParam }) },
    responses: { 200: ok('Customer', Customer), ...refusals, 404: problem('Not a customer of this partner') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/consent/{token}',
    summary: 'The consent page (HTML); redirects to sign-in first',
    request: { params: z.object({ token: z.string() }) },
    responses: {
      200: { description: 'Consent page' },
      303: { description: 'Sign in first' },
      403: { description: 'Not allowed to accept' },
      404: { description: 'Invalid link' },
      410: { description: 'Expired or withdrawn link' },
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/consent/{token}',
    summary: 'Accept: form fields consent=yes and optionally includeDelegatedAdmin=true',
    security,
    request: {
      params: z.object({ token: z.string() }),
      body: {
        content: {
          'application/x-www-form-urlencoded': { schema: AcceptFormSchema.meta({ id: 'AcceptForm' }) },
        },
      },
    },
    responses: {
      200: { description: 'Accepted (HTML, or JSON when asked for)' },
      ...refusals,
      404: problem('Invalid link'),
      410: problem('Expired or withdrawn link'),
    },
  });
  // The body's devices are parsed one by one (a bad device fails alone); this is their shape.
  const Device = DeviceSchema.meta({ id: 'Device' });
  const batchBody = DeviceBatchRequestSchema.extend({ devices: z.array(Device).min(1).max(100_000) });
  const batchPath = '/api/v1/customers/{tenantId}/deviceBatches';
  const tenantParams = z.object({ tenantId: guidParam });
  const batchParams = z.object({ tenantId: guidParam, batchId: z.string() });
  registry.registerPath({
    method: 'post',
    path: `${batchPath}/validate`,
    summary: 'Check consent and each device before submitting; writes nothing',
    security,
    request: {
      params: tenantParams,
      body: jsonBody(ValidateRequestSchema.extend({ devices: batchBody.shape.devices })),
    },
    responses: {
      200: ok('Consent and per-device checks', ValidateResponseSchema),
      ...refusals,
      413: problem('Body over 64 MiB'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: batchPath,
    summary:
      'Submit up to 100,000 devices; batchId is the idempotency key; waits for consent if there is none',
    security,
    request: { params: tenantParams, body: jsonBody(batchBody.meta({ id: 'DeviceBatchRequest' })) },
    responses: {
      202: { description: 'Accepted; Location is the status URL', ...jsonBody(BatchAcceptedSchema) },
      ...refusals,
      409: problem('batchId already used with different devices'),
      413: problem('Body over 64 MiB'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: `${batchPath}/{batchId}`,
    summary: "A batch's status and progress",
    security,
    request: { params: batchParams },
    responses: {
      200: ok('Batch status', BatchStatusSchema.meta({ id: 'DeviceBatchStatus' })),
      ...refusals,
      404: problem('No such batch of yours'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: `${batchPath}/{batchId}/devices`,
    summary: "A batch's devices with their outcome, in submission order, paged",
    security,
    request: { params: batchParams, query: DeviceListQuerySchema },
    responses: {
      200: ok('A page of devices', DeviceOutcomePageSchema),
      ...refusals,
      404: problem('No such batch of yours'),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/v1/customers/{tenantId}/devices/{deviceId}',
    summary: 'Deregister a device (the partner that registered it, or the tenant’s Global Administrator)',
    security,
    request: { params: z.object({ tenantId: guidParam, deviceId: z.string() }) },
    responses: { 204: { description: 'Deregistered' }, ...refusals, 404: problem('No such device for you') },
  });
  // The partner portal's pages are HTML for people; only the progress its batch page polls is JSON.
  const portalSession = registry.registerComponent('securitySchemes', 'portalSession', {
    type: 'apiKey',
    in: 'cookie',
    name: 'pc_session',
    description: "The partner portal's signed-in session (a partner's portal user)",
  });
  registry.registerPath({
    method: 'get',
    path: '/api/portal/batches/{tenantId}/{partnerId}/{batchId}/status',
    summary:
      "A batch's progress for the partner portal: the partner's own batch, or (for an indirect provider) its reseller's",
    security: [{ [portalSession.name]: [] }, ...security],
    request: { params: z.object({ tenantId: guidParam, partnerId: z.string(), batchId: z.string() }) },
    responses: {
      200: ok('Batch progress', PortalBatchProgressSchema.meta({ id: 'PortalBatchProgress' })),
      ...refusals,
      404: problem('No such batch that you may see'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/tenant/partners',
    summary: "Every partner relationship of the Global Administrator's tenant",
    security,
    responses: { 200: ok('Partners', TenantPartnerListSchema), ...refusals },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/tenant/partners/{partnerId}/removeDelegatedAdmin',
    summary: "Remove a partner's delegated admin roles",
    security,
    request: { params: z.object({ partnerId: z.string() }) },
    responses: { 200: ok('Updated relationship', Customer), ...refusals, 404: problem('No relationship') },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/v1/tenant/partners/{partnerId}',
    summary: "Revoke a partner's relationship (OEMs included)",
    security,
    request: { params: z.object({ partnerId: z.string() }) },
    responses: { 200: ok('Revoked relationship', Customer), ...refusals, 404: problem('No relationship') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/audit',
    summary: "The caller's audit trail (partner, or Global Administrator's tenant), newest first",
    security,
    request: { query: AuditQuerySchema },
    responses: { 200: ok('Audit events', AuditListSchema), ...refusals },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/dev/token',
    summary: 'Local development only (AUTH_MODE=dev): a token for a partner API client or a seeded user',
    request: { body: jsonBody(DevTokenRequestSchema) },
    responses: {
      200: ok('Token', DevTokenResponseSchema),
      400: problem('Bad request'),
      404: problem('Unknown partner or user'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/dev/tenants',
    summary:
      'Local development only: a fresh customer tenant with an admin, a helpdesk user and a federated admin',
    request: { body: jsonBody(DevTenantRequestSchema) },
    responses: { 201: { description: 'Tenant created' } },
  });
  return registry;
}

let document: object | undefined;

export function openApiDocument(): object {
  document ??= new OpenApiGeneratorV31(buildRegistry().definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Partner consent and device registration',
      version: '1.0.0',
      description: "Partners get a customer's consent, then register the customer's Windows devices.",
    },
    servers: [{ url: '/' }],
  });
  return document;
}
