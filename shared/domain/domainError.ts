/**
 * A refusal the product can explain. `code` is stable and documented; `kind` says what sort of
 * refusal it is, and the HTTP adapter alone turns that into a status.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'notFound'
  | 'gone'
  | 'conflict'
  | 'tooLarge'
  | 'tooManyRequests'
  | 'unsupportedMediaType';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('invalid', code, message, details);
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);
export const notFound = (code: string, message: string) => new DomainError('notFound', code, message);
export const gone = (code: string, message: string) => new DomainError('gone', code, message);
export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);
export const unauthenticated = (code: string, message: string) =>
  new DomainError('unauthenticated', code, message);
