import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { OperationDoc } from './openApiParts';

/**
 * The OpenAPI 3.1 description of the public contract, generated from the route tables (functions/http),
 * whose operations name the same zod schemas the handlers parse with, so the two cannot drift apart.
 */
export interface DocumentedRoute {
  readonly name: string;
  readonly method: string;
  /** A Functions route template from the host's root, such as `api/v1/customers/{tenantId}`. */
  readonly route: string;
  readonly handler: { readonly security: 'none' | 'bearer' | 'sessionOrBearer' };
  readonly openApi: OperationDoc;
}

/** `{name}`, `{name?}`, `{name:constraint}` and `{*name}` are all `{name}` to OpenAPI. */
export function openApiPath(route: string): string {
  return `/${route.replace(/\{\*?([A-Za-z0-9_]+)\??(?::[^}]*)?\}/g, '{$1}')}`;
}

function buildRegistry(routes: readonly DocumentedRoute[]): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  const session = registry.registerComponent('securitySchemes', 'portalSession', {
    type: 'apiKey',
    in: 'cookie',
    name: 'pc_session',
    description: "The browser's signed-in session (the partner portal's, a customer admin's)",
  });
  const security = {
    none: undefined,
    bearer: [{ [bearer.name]: [] }],
    sessionOrBearer: [{ [session.name]: [] }, { [bearer.name]: [] }],
  };
  for (const r of routes) {
    const scheme = security[r.handler.security];
    registry.registerPath({
      method: r.method.toLowerCase() as 'get' | 'post' | 'delete',
      path: openApiPath(r.route),
      operationId: r.name,
      ...r.openApi,
      ...(scheme ? { security: scheme } : {}),
    });
  }
  return registry;
}

const documents = new WeakMap<readonly DocumentedRoute[], object>();

export function openApiDocument(routes: readonly DocumentedRoute[]): object {
  let document = documents.get(routes);
  if (!document) {
    document = new OpenApiGeneratorV31(buildRegistry(routes).definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'Partner consent and device registration',
        version: '1.0.0',
        description: "Partners get a customer's consent, then register the customer's Windows devices.",
      },
      servers: [{ url: '/' }],
    });
    documents.set(routes, document);
  }
  return document;
}
