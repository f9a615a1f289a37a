import type { HttpResponseInit } from '@azure/functions';
import { app } from '@azure/functions';
import { openApiDocument } from '../../shared/contract/openApiDocument';

export function getOpenApi(): Promise<HttpResponseInit> {
  return Promise.resolve({ status: 200, jsonBody: openApiDocument() });
}

app.http('openApi', { methods: ['GET'], authLevel: 'anonymous', route: 'openapi.json', handler: getOpenApi });
