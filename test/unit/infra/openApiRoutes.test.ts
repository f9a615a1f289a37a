import type { BindingMetadata } from '../../../infra/local/functionsCore/registry';
import { functionRegistry } from '../../../infra/local/functionsCore/registry';
import { HTTP_ROUTES } from '../../../functions/http/httpRoutes';
import { openApiDocument, openApiPath } from '../../../shared/contract/openApiDocument';
import { DeviceOutcomeSchema } from '../../../shared/domain/batches/deviceOutcome';
import '../../../functions/index';

/**
 * Each route is declared once (functions/http's route tables); the Functions registrations and the
 * OpenAPI document both come from it. These tests hold the two together from the outside: what the host
 * was given (through the functions-core stand-in) against what the document says.
 */
interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

const document = openApiDocument(HTTP_ROUTES) as Document;
const httpRegistrations = functionRegistry
  .all()
  .filter((r) => r.trigger.type === 'httpTrigger')
  .map((r) => {
    const trigger = r.trigger as BindingMetadata & { route: string; methods: string[] };
    return { name: r.name, route: trigger.route, methods: trigger.methods };
  });

const operation = (route: string, method: string): Operation | undefined =>
  document.paths[openApiPath(route)]?.[method.toLowerCase()];

describe('routes and the OpenAPI document', () => {
  it('when the app is loaded, then it registers HTTP functions (the comparison has something to compare)', () => {
    expect(httpRegistrations.length).toBeGreaterThanOrEqual(30);
  });

  it('when an HTTP function is registered, then the OpenAPI document has its path and method, under its name', () => {
    const undocumented = httpRegistrations.flatMap((r) =>
      r.methods
        .filter((m) => operation(r.route, m)?.operationId !== r.name)
        .map((m) => `${r.name}: ${m} ${r.route}`),
    );
    expect(undocumented).toEqual([]);
  });

  it('when the OpenAPI document names an operation, then a registered function serves it', () => {
    const served = new Set(
      httpRegistrations.flatMap((r) => r.methods.map((m) => `${m.toLowerCase()} ${openApiPath(r.route)}`)),
    );
    const unserved = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .map((method) => `${method} ${path}`)
        .filter((key) => !served.has(key)),
    );
    expect(unserved).toEqual([]);
  });

  it('when a route template has parameters, then its operation declares each of them in the path', () => {
    const missing = httpRegistrations.flatMap((r) =>
      r.methods.flatMap((m) => {
        const declared = new Set(
          (operation(r.route, m)?.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        );
        return [...openApiPath(r.route).matchAll(/\{([^}]+)\}/g)]
          .map((match) => match[1]!)
          .filter((name) => !declared.has(name))
          .map((name) => `${r.name}: {${name}}`);
      }),
    );
    expect(missing).toEqual([]);
  });

  it.each([
    ['createInvitation', 'POST', 'api/v1/invitations', ['bearer']],
    ['submitDeviceBatch', 'POST', 'api/v1/customers/{tenantId}/deviceBatches', ['bearer']],
    ['revokeTenantPartner', 'DELETE', 'api/v1/tenant/partners/{partnerId}', ['bearer']],
    [
      'portalBatchStatus',
      'GET',
      'api/portal/batches/{tenantId}/{partnerId}/{batchId}/status',
      ['portalSession', 'bearer'],
    ],
    ['health', 'GET', 'api/health', []],
    ['devToken', 'POST', 'api/dev/token', []],
  ])(
    'when %s is documented, then its security is what its handler wrapper requires',
    (_name, method, route, schemes) => {
      const security = operation(route, method)?.security ?? [];
      expect(security.flatMap((s) => Object.keys(s))).toEqual(schemes);
    },
  );

  it('when a device outcome field is defined in the domain, then the device list in the OpenAPI document describes it', () => {
    const list = operation(
      'api/v1/customers/{tenantId}/deviceBatches/{batchId}/devices',
      'GET',
    ) as unknown as {
      responses: Record<string, { content: Record<string, { schema: SchemaObject }> }>;
    };
    const page = list.responses['200']?.content['application/json']?.schema;
    const item = resolve(resolve(page?.properties?.items)?.items);
    const documented = Object.keys(item?.properties ?? {});
    expect(Object.keys(DeviceOutcomeSchema.shape).filter((field) => !documented.includes(field))).toEqual([]);
  });
});

interface SchemaObject {
  $ref?: string;
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
}

/** A schema, or the component a `$ref` names. */
function resolve(schema: SchemaObject | undefined): SchemaObject | undefined {
  if (!schema?.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return (document as unknown as { components: { schemas: Record<string, SchemaObject> } }).components
    .schemas[name];
}
