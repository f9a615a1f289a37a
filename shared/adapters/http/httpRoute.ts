import { app } from '@azure/functions';
import * as df from 'durable-functions';
import type { OperationDoc } from '../../contract/openApiParts';
import type { RouteHandler } from './apiHandler';

/**
 * One HTTP route, declared once: the Functions registration (registerRoutes) and the OpenAPI document
 * (shared/contract/openApiDocument.ts) both read it. Each family of routes is a table of these, beside
 * its handlers in functions/http; functions/http/httpRoutes.ts lists the tables.
 */
export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface HttpRoute {
  /** The function's name in the Functions host (and its operationId's base). */
  readonly name: string;
  readonly method: HttpMethod;
  /**
   * The route template from the host's root: host.json's routePrefix is "", so the API's routes are
   * written out under `api/` and routes of another shape (Partner Center's `v1/...`) can live beside them.
   */
  readonly route: string;
  /** Only functions that start, signal or cancel orchestrations take the durable client input. */
  readonly durableClient?: boolean;
  /** Wrapped by apiHandler, pageHandler or anonymous, which says how the caller authenticates. */
  readonly handler: RouteHandler;
  /** The operation as OpenAPI describes it; its method, path and security come from the route. */
  readonly openApi: OperationDoc;
}

/** Registers each route's function with the Functions host. */
export function registerRoutes(routes: readonly HttpRoute[]): void {
  for (const r of routes) {
    app.http(r.name, {
      methods: [r.method],
      authLevel: 'anonymous',
      route: r.route,
      ...(r.durableClient ? { extraInputs: [df.input.durableClient()] } : {}),
      handler: r.handler,
    });
  }
}
