import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import { createInvitation } from '../../shared/application/invitations/createInvitation';
import { listInvitations } from '../../shared/application/invitations/listInvitations';
import { withdrawInvitation } from '../../shared/application/invitations/withdrawInvitation';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { readJson } from '../../shared/adapters/http/requestBody';
import {
  CreateInvitationRequestSchema,
  InvitationIdParams,
  InvitationListSchema,
  InvitationResponseSchema,
  toInvitationResponse,
} from '../../shared/contract/invitationContract';
import { jsonBody, ok, problem, refusals } from '../../shared/contract/openApiParts';
import type { PartnerPrincipal } from '../../shared/domain/identity/principal';

export async function postInvitation(
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
  principal: PartnerPrincipal,
): Promise<HttpResponseInit> {
  const body = await readJson(request, CreateInvitationRequestSchema);
  // With customerEmail, the email is queued with the invitation and its delivery started here.
  const created = await createInvitation(invocationDeps(svc, context), principal, body);
  const response = toInvitationResponse(created, svc.deps.clock.now());
  return json(created.created ? 201 : 200, response, { location: `/api/v1/invitations/${response.id}` });
}

export async function getInvitations(
  _request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: PartnerPrincipal,
): Promise<HttpResponseInit> {
  const now = svc.deps.clock.now();
  const items = (await listInvitations(svc.deps, principal)).map((i) => toInvitationResponse(i, now));
  return json(200, { items });
}

export async function deleteInvitation(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
  principal: PartnerPrincipal,
): Promise<HttpResponseInit> {
  const { id } = InvitationIdParams.parse(request.params);
  await withdrawInvitation(svc.deps, principal, id);
  return { status: 204 };
}

const Invitation = InvitationResponseSchema.meta({ id: 'Invitation' });

export const invitationRoutes: readonly HttpRoute[] = [
  {
    name: 'createInvitation',
    method: 'POST',
    route: 'api/v1/invitations',
    durableClient: true,
    handler: apiHandler(postInvitation, { principal: 'partner' }),
    openApi: {
      summary: 'Create an invitation link to send to a customer',
      request: { body: jsonBody(CreateInvitationRequestSchema.meta({ id: 'CreateInvitationRequest' })) },
      responses: {
        201: ok('Created', Invitation),
        200: ok("An eligible OEM's existing reusable link", Invitation),
        ...refusals,
        413: problem('Body too large'),
        429: problem('Too many invitation emails from this partner this hour; Retry-After says when'),
      },
    },
  },
  {
    name: 'listInvitations',
    method: 'GET',
    route: 'api/v1/invitations',
    handler: apiHandler(getInvitations, { principal: 'partner' }),
    openApi: {
      summary: "The partner's invitations",
      responses: { 200: ok('Invitations', InvitationListSchema), ...refusals },
    },
  },
  {
    name: 'withdrawInvitation',
    method: 'DELETE',
    route: 'api/v1/invitations/{id}',
    handler: apiHandler(deleteInvitation, { principal: 'partner' }),
    openApi: {
      summary: 'Withdraw an invitation: its link stops working',
      request: { params: InvitationIdParams },
      responses: {
        204: { description: 'Withdrawn' },
        ...refusals,
        404: problem('No such invitation for this partner'),
      },
    },
  },
];
