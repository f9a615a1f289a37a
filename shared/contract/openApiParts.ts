import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ProblemSchema } from './common';
import { CustomerSchema } from './customerContract';

/**
 * The pieces the route tables (functions/http) describe their operations with. A route's method, path
 * and security come from the route itself (shared/adapters/http/httpRoute.ts); its operation says the rest.
 */
export type OperationDoc = Omit<RouteConfig, 'method' | 'path' | 'security'>;

export const guidParam = z.string().describe('GUID');

const Problem = ProblemSchema.meta({ id: 'Problem' });

export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

export const jsonBody = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

export const ok = (description: string, schema: z.ZodType) => ({ description, ...jsonBody(schema) });

/** An HTML page for people (its markup is not a contract). */
export const page = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() } },
});

/** What any authenticated API call may answer before it does anything. */
export const refusals = {
  400: problem('The request is not valid; `code` and `field` say what to fix'),
  401: problem('Missing or invalid bearer token'),
  403: problem('This caller may not do this'),
  503: {
    ...problem('Storage did not answer in time (code `StorageUnavailable`): nothing to fix, try again'),
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' as const } } },
  },
};

/** Named once: both the partner API and the tenant admin API answer with a customer relationship. */
export const Customer = CustomerSchema.meta({ id: 'Customer' });
