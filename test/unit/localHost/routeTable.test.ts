import { RouteTable } from '../../../infra/local/routeTable';
import type { Registration } from '../../../infra/local/functionsCore/registry';

function httpRegistration(name: string, route: string, methods: string[]): Registration {
  const trigger = { type: 'httpTrigger', direction: 'in' as const, name: 'req', route, methods };
  return { name, metadata: { name, bindings: { req: trigger } }, handler: () => undefined, trigger };
}

describe('route table', () => {
  const table = new RouteTable([
    httpRegistration('getBatch', 'v1/customers/{tenantId}/deviceBatches/{batchId}', ['GET']),
    httpRegistration('validate', 'v1/customers/{tenantId}/deviceBatches/validate', ['POST']),
    httpRegistration('submit', 'v1/customers/{tenantId}/deviceBatches', ['POST']),
  ]);

  it('when a literal segment and a parameter both match, then the literal route wins', () => {
    const result = table.match('POST', '/v1/customers/t1/deviceBatches/validate');
    expect(result.kind === 'match' && result.match.registration.name).toBe('validate');
  });

  it('when a route has parameters, then their decoded values are captured', () => {
    const result = table.match('GET', '/v1/customers/t%201/deviceBatches/b1');
    expect(result).toMatchObject({ kind: 'match', match: { params: { tenantId: 't 1', batchId: 'b1' } } });
  });

  it('when the path matches but the method does not, then the allowed methods are reported', () => {
    expect(table.match('DELETE', '/v1/customers/t1/deviceBatches')).toEqual({
      kind: 'methodNotAllowed',
      allow: ['POST'],
    });
  });

  it('when nothing matches, then the result is not found', () => {
    expect(table.match('GET', '/v1/elsewhere').kind).toBe('notFound');
  });
});
