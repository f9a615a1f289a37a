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
  assertJsonContentType(request);
  return schema.parse(parseJsonBody(request, await readLimited(request, maxBytes)));
}

function assertJsonContentType(request: HttpRequest): void {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new DomainError(
      'unsupportedMediaType',
      'UnsupportedMediaType',
      'Send the body as JSON with "Content-Type: application/json".',
    );
  }
}

/**
 * A body already read, as JSON: it must be sent as JSON, nest no deeper than MAX_JSON_DEPTH, and be
 * well-formed (a leading byte-order mark, which some Windows clients write, is dropped).
 */
export function parseJsonBody(request: HttpRequest, body: Buffer): unknown {
  assertJsonContentType(request);
  if (nestingDepth(body) > MAX_JSON_DEPTH) {
    throw invalid(
      'JsonNestedTooDeeply',
      `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; no operation takes that.`,
    );
  }
  try {
    return JSON.parse(body.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
  } catch {
    throw invalid('MalformedJson', 'The request body is not well-formed JSON.');
  }
}

/**
 * How deep a body may nest. Every operation's JSON is a few levels deep (a batch: body, devices, device);
 * a body nested thousands of levels would overflow the stack of whatever walks it later (JSON.stringify
 * of a fingerprint, zod, structuredClone), a 500 from client input.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The deepest nesting of `[` and `{` in JSON text, outside strings: one pass, no recursion, before the
 * text is parsed. Malformed text gives some number; JSON.parse refuses it afterwards.
 */
export function nestingDepth(text: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
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
