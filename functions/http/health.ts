import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { services } from '../../shared/compositionRoot';
import { anonymous } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { RETRY_AFTER_SECONDS, problemResponse } from '../../shared/adapters/http/problem';
import { problem } from '../../shared/contract/openApiParts';

/**
 * 200 while storage answers, 503 (within a request's storage budget) while it does not. It reads
 * storage itself each time: the partner list is cached and would say "ok" through an outage. The local
 * host also waits for its durable runtime before serving.
 */
export async function health(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const svc = await services();
    await svc.tables.probe(svc.tableNames.partners);
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      jsonBody: { status: 'ok', authMode: svc.config.authMode },
    };
  } catch (error) {
    const problem = problemResponse(error, context);
    return {
      ...problem,
      status: 503,
      headers: {
        ...problem.headers,
        'retry-after': String(RETRY_AFTER_SECONDS),
        'cache-control': 'no-store',
      },
    };
  }
}

export const healthRoutes: readonly HttpRoute[] = [
  {
    name: 'health',
    method: 'GET',
    route: 'api/health',
    handler: anonymous(health),
    openApi: {
      summary: 'Ready when storage and the orchestration runtime are',
      responses: { 200: { description: 'Ready' }, 503: problem('Not ready: storage does not answer') },
    },
  },
];
