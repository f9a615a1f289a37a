import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { DomainError, invalid } from '../../domain/domainError';

export const DEFAULT_JSON_LIMIT = 64 * 1024;

/** The body's bytes, refused by its declared length before reading and by what arrived after (chunked). */
export async function readLimited(request: HttpRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > maxBytes) throw tooLarge(maxBytes);
  return body;
}

const tooLarge = (maxBytes: number) =>
  new DomainError(
    'tooLarge',
    'PayloadTooLarge',
    `The request body is larger than the ${maxBytes.toLocaleString('en-US')} bytes this operation accepts.`,
  );

/** Reads a JSON body and parses it with the operation's schema; every refusal says what to fix. */
export async function readJson<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
  maxBytes = DEFAULT_JSON_LIMIT,
): Promise<z.infer<S>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new DomainError(
      'unsupportedMediaType',
      'UnsupportedMediaType',
      'Send the body as JSON with "Content-Type: application/json".',
    );
  }
  const body = await readLimited(request, maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid('MalformedJson', 'The request body is not well-formed JSON.');
  }
  return schema.parse(parsed);
}

/** Reads an HTML form post (application/x-www-form-urlencoded) into a plain object. */
export async function readForm(
  request: HttpRequest,
  maxBytes = DEFAULT_JSON_LIMIT,
): Promise<Record<string, string>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new DomainError(
      'unsupportedMediaType',
      'UnsupportedMediaType',
      'Send the form as application/x-www-form-urlencoded.',
    );
  }
  const body = await readLimited(request, maxBytes);
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')).entries());
}

/** Parses route parameters or query strings with a schema, naming the parameter when it is wrong. */
export function parseParams<S extends z.ZodType>(schema: S, values: unknown): z.infer<S> {
  return schema.parse(values);
}
