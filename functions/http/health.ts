import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { app } from '@azure/functions';
import { services } from '../../shared/compositionRoot';
import { problemResponse } from '../../shared/adapters/http/problem';

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

app.http('health', { methods: ['GET'], authLevel: 'anonymous', route: 'health', handler: health });
