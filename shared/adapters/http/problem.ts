import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { ZodError } from 'zod';
import type { DomainErrorKind } from '../../domain/domainError';
import { DomainError } from '../../domain/domainError';
import { isStorageUnavailable } from '../tables/tableErrors';

/**
 * The one mapping from errors to RFC 9457 problem details. Refusals keep their stable code and their
 * sentence; anything unexpected becomes a 500 whose details stay in the log.
 */
const STATUS: Record<DomainErrorKind, { status: number; title: string }> = {
  invalid: { status: 400, title: 'Bad Request' },
  unauthenticated: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  notFound: { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  gone: { status: 410, title: 'Gone' },
  tooLarge: { status: 413, title: 'Content Too Large' },
  tooManyRequests: { status: 429, title: 'Too Many Requests' },
  unsupportedMediaType: { status: 415, title: 'Unsupported Media Type' },
};

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

/**
 * What a 503 asks the client to wait: about one request's storage budget (STORAGE_BUDGETS), so that an
 * outage of a few seconds is over by the retry without clients hammering a storage that is recovering.
 */
export const RETRY_AFTER_SECONDS = 5;

export function toProblem(error: unknown, context?: InvocationContext): Problem {
  if (error instanceof DomainError) {
    const { status, title } = STATUS[error.kind];
    return { type: 'about:blank', title, status, code: error.code, detail: error.message, ...error.details };
  }
  if (error instanceof ZodError) {
    const errors = error.issues.map((issue) => {
      // An unknown field is named by the issue's keys, not its path (which is the enclosing object).
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
      return { field: path.join('.') || '(body)', message: issue.message };
    });
    const first = errors[0];
    return {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'ValidationFailed',
      detail: first ? `${first.field}: ${first.message}` : 'The request is not valid.',
      field: first?.field,
      errors,
    };
  }
  if (isStorageUnavailable(error)) {
    // Not a bug of ours: storage did not answer within the request's budget (or refused the connection).
    context?.warn('Storage unavailable', error);
    return {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      code: 'StorageUnavailable',
      detail: 'The service cannot reach its storage right now. Try again shortly.',
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    };
  }
  context?.error('Unhandled error', error);
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    code: 'InternalError',
    detail: `Something went wrong on our side. Quote ${context?.invocationId ?? 'this time'} if you contact support.`,
  };
}

export function problemResponse(error: unknown, context?: InvocationContext): HttpResponseInit {
  const problem = toProblem(error, context);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (problem.status === 401) headers['www-authenticate'] = 'Bearer';
  Object.assign(headers, retryAfterHeader(problem));
  return { status: problem.status, headers, body: JSON.stringify(problem) };
}

/** A refusal that says when to come back (429 with `retryAfterSeconds`) carries it as `Retry-After`. */
export function retryAfterHeader(problem: Problem): Record<string, string> {
  const seconds = problem.retryAfterSeconds;
  return typeof seconds === 'number' ? { 'retry-after': String(seconds) } : {};
}
