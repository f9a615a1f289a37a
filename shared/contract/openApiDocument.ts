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

const API_TAG = 'Partner consent API';
/** The two families of routes, each a tag of the document. */
const TAGS = [
  { name: API_TAG, description: "This service's own API, pages and portal, under /api" },
  {
    name: 'Partner Center–compatible',
    description:
      "Partner Center's device-batch calls at the host's root (/v1/...), for its .NET SDK, PowerShell module and REST clients: change the root URL and token only",
  },
];

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
    // Said explicitly: an operation that takes no credentials (health, the consent page before sign-in).
    none: [],
    bearer: [{ [bearer.name]: [] }],
    sessionOrBearer: [{ [session.name]: [] }, { [bearer.name]: [] }],
  };
  for (const r of routes) {
    const scheme = security[r.handler.security];
    registry.registerPath({
      method: r.method.toLowerCase() as 'get' | 'post' | 'delete',
      path: openApiPath(r.route),
      operationId: r.name,
      // A route of the Partner Center family names its tag; every other is this service's own API.
      tags: [API_TAG],
      ...r.openApi,
      security: scheme,
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
      tags: TAGS,
    });
    documents.set(routes, document);
  }
  return document;
}
