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
