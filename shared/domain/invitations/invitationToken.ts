import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A link token names its invitation and carries a secret: `<partnerId>.<invitationId>.<secret>`.
 * The secret is an HMAC of the names under the service's link key, so the partner can be shown its
 * link again; the store keeps only the token's SHA-256, and a token is accepted only if it hashes to it.
 */
export interface ParsedInvitationToken {
  readonly partnerId: string;
  readonly invitationId: string;
}

const TOKEN = /^([a-z0-9-]{1,64})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export function invitationToken(linkKey: Buffer, partnerId: string, invitationId: string): string {
  const secret = createHmac('sha256', linkKey).update(`${partnerId}.${invitationId}`).digest('base64url');
  return `${partnerId}.${invitationId}.${secret}`;
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function parseInvitationToken(token: string): ParsedInvitationToken | undefined {
  const match = TOKEN.exec(token);
  return match ? { partnerId: match[1]!, invitationId: match[2]! } : undefined;
}

export function tokenMatchesHash(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashInvitationToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
