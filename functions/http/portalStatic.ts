import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { anonymous } from '../../shared/adapters/http/apiHandler';
import type { HttpRoute } from '../../shared/adapters/http/httpRoute';
import { assetFolder } from '../../shared/adapters/web/assetFolder';

/**
 * The portal's stylesheet and script, served from shared/adapters/web/static so that pages can load them
 * under a Content-Security-Policy of 'self' (no inline script). Only files of that folder, by name.
 */
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};
const NAME = /^[a-z][a-z0-9-]*\.(?:css|js)$/;

let cache: Map<string, Buffer> | undefined;

function staticFile(name: string): Buffer | undefined {
  cache ??= new Map();
  const cached = cache.get(name);
  if (cached) return cached;
  const file = path.join(assetFolder('shared', 'adapters', 'web', 'static'), name);
  if (!existsSync(file)) return undefined;
  const content = readFileSync(file);
  cache.set(name, content);
  return content;
}

export function getPortalStatic(request: HttpRequest): Promise<HttpResponseInit> {
  const name = request.params.name ?? '';
  const content = NAME.test(name) ? staticFile(name) : undefined;
  if (!content) {
    return Promise.resolve({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' });
  }
  return Promise.resolve({
    status: 200,
    body: content,
    headers: {
      'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream',
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
    },
  });
}

export const portalStaticRoutes: readonly HttpRoute[] = [
  {
    name: 'portalStatic',
    method: 'GET',
    route: 'api/portal/static/{name}',
    handler: anonymous(getPortalStatic),
    openApi: {
      summary: "The portal's stylesheet and script",
      request: { params: z.object({ name: z.string() }) },
      responses: { 200: { description: 'CSS or JavaScript' }, 404: { description: 'No such file' } },
    },
  },
];
