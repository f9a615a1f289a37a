import { RestError } from '@azure/data-tables';

/** Storage errors classified by HTTP status and service code, never by message text. */
export function storageStatus(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

export function storageCode(error: unknown): string | undefined {
  return error instanceof RestError ? error.code : undefined;
}

export const isNotFound = (error: unknown) => storageStatus(error) === 404;
export const isConflict = (error: unknown) => storageStatus(error) === 409;
/** An ETag condition failed: someone else changed the entity since it was read. */
export const isPreconditionFailed = (error: unknown) => storageStatus(error) === 412;

/** A storage call gave up within its budget without an answer (see STORAGE_BUDGETS). */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

/**
 * Network errors the SDK raises when it cannot reach storage at all (after its retries): the
 * connection refused, reset or timed out, the name not resolved, the request not sent.
 */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'REQUEST_SEND_ERROR',
]);

/**
 * Storage did not answer, or answered that it cannot now (408, 500, 502, 503 ServerBusy, 504) even after
 * the SDK's retries: the caller may try again shortly. Follows `cause`, as a use case may wrap the error.
 */
export function isStorageUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof StorageUnavailableError) return true;
    if (e instanceof RestError) {
      if (e.statusCode !== undefined) return [408, 500, 502, 503, 504].includes(e.statusCode);
      if (e.code !== undefined && UNREACHABLE.has(e.code)) return true;
    }
  }
  return false;
}
