import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { services } from '../../shared/compositionRoot';
import { anonymous } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { problemResponse } from '../../shared/adapters/http/problem';
import { problem } from '../../shared/contract/openApiParts';

/** 200 once storage answers; the local host also waits for its durable runtime before serving. */
export async function health(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const svc = await services();
    await svc.partners.all();
    return { status: 200, jsonBody: { status: 'ok', authMode: svc.config.authMode } };
  } catch (error) {
    const problem = problemResponse(error, context);
    return { ...problem, status: 503 };
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
      responses: { 200: { description: 'Ready' }, 503: problem('Not ready') },
    },
  },
];
