import type { HttpResponseInit } from '@azure/functions';
import { anonymous } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { openApiDocument } from '../../shared/contract/openApiDocument';

/** GET /api/openapi.json: the document of every route, this one included (`routes` is read on each call). */
export function openApiRoute(routes: () => readonly HttpRoute[]): HttpRoute {
  return {
    name: 'openApi',
    method: 'GET',
    route: 'api/openapi.json',
    handler: anonymous(() =>
      Promise.resolve<HttpResponseInit>({ status: 200, jsonBody: openApiDocument(routes()) }),
    ),
    openApi: {
      summary: 'This document: the OpenAPI 3.1 description of every route',
      responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: {} } } } },
    },
  };
}
