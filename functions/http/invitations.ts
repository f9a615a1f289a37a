import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { invocationDeps } from '../../shared/adapters/durable/invocationDeps';
import { createInvitation } from '../../shared/application/invitations/createInvitation';
import { listInvitations } from '../../shared/application/invitations/listInvitations';
import { withdrawInvitation } from '../../shared/application/invitations/withdrawInvitation';
import type { Services } from '../../shared/compositionRoot';
import { apiHandler, json } from '../../shared/adapters/http/apiHandler';
import { authenticatePartner } from '../../shared/adapters/http/authentication';
import { readJson } from '../../shared/adapters/http/requestBody';
import {
  CreateInvitationRequestSchema,
  InvitationIdParams,
  toInvitationResponse,
} from '../../shared/contract/invitationContract';

export async function postInvitation(
  request: HttpRequest,
  context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const principal = await authenticatePartner(request, svc);
  const body = await readJson(request, CreateInvitationRequestSchema);
  // With customerEmail, the email is queued with the invitation and its delivery started here.
  const created = await createInvitation(invocationDeps(svc, context), principal, body);
  const response = toInvitationResponse(created, svc.deps.clock.now());
  return json(created.created ? 201 : 200, response, { location: `/api/v1/invitations/${response.id}` });
}

export async function getInvitations(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const principal = await authenticatePartner(request, svc);
  const now = svc.deps.clock.now();
  const items = (await listInvitations(svc.deps, principal)).map((i) => toInvitationResponse(i, now));
  return json(200, { items });
}

export async function deleteInvitation(
  request: HttpRequest,
  _context: InvocationContext,
  svc: Services,
): Promise<HttpResponseInit> {
  const principal = await authenticatePartner(request, svc);
  const { id } = InvitationIdParams.parse(request.params);
  await withdrawInvitation(svc.deps, principal, id);
  return { status: 204 };
}

app.http('createInvitation', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: 'v1/invitations',
  extraInputs: [df.input.durableClient()],
  handler: apiHandler(postInvitation),
});
app.http('listInvitations', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'v1/invitations',
  handler: apiHandler(getInvitations),
});
app.http('withdrawInvitation', {
  methods: ['DELETE'],
  authLevel: 'anonymous',
  route: 'v1/invitations/{id}',
  handler: apiHandler(deleteInvitation),
});
