import {
  hashInvitationToken,
  invitationToken,
  parseInvitationToken,
  tokenMatchesHash,
} from '../../../shared/domain/invitations/invitationToken';

const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);
const PARTNER = 'contoso-direct';
const INVITATION = 'd3e0a1b2-c4d5-4e6f-8a9b-0c1d2e3f4a5b';

/** Replaces the character at `index` with another one of the same alphabet. */
function flip(token: string, index: number): string {
  const at = index < 0 ? token.length + index : index;
  const replacement = token[at] === 'A' ? 'B' : 'A';
  return token.slice(0, at) + replacement + token.slice(at + 1);
}

describe('invitation token', () => {
  it('when a token is derived, then it names the partner and the invitation and carries a 43-character secret', () => {
    const token = invitationToken(KEY, PARTNER, INVITATION);

    expect(token).toMatch(new RegExp(`^${PARTNER}\\.${INVITATION}\\.[A-Za-z0-9_-]{43}$`));
    expect(parseInvitationToken(token)).toEqual({ partnerId: PARTNER, invitationId: INVITATION });
  });

  it('when the same names are derived twice under one key, then the token is the same', () => {
    expect(invitationToken(KEY, PARTNER, INVITATION)).toBe(invitationToken(KEY, PARTNER, INVITATION));
  });

  it('when another key or another invitation is used, then the secret differs', () => {
    const token = invitationToken(KEY, PARTNER, INVITATION);

    expect(invitationToken(OTHER_KEY, PARTNER, INVITATION)).not.toBe(token);
    expect(invitationToken(KEY, PARTNER, INVITATION.replace(/5b$/, '5c')).split('.')[2]).not.toBe(
      token.split('.')[2],
    );
  });

  it('when a token is hashed, then the hash is hex SHA-256 and not the token', () => {
    const token = invitationToken(KEY, PARTNER, INVITATION);
    const hash = hashInvitationToken(token);

    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token.split('.')[2]);
  });

  it('when the presented token is the one that was hashed, then it matches', () => {
    const token = invitationToken(KEY, PARTNER, INVITATION);

    expect(tokenMatchesHash(token, hashInvitationToken(token))).toBe(true);
  });

  it.each([
    ['the last character of the secret is changed', (t: string) => flip(t, -1)],
    ['the first character of the secret is changed', (t: string) => flip(t, t.lastIndexOf('.') + 1)],
    ['the token was made under another key', () => invitationToken(OTHER_KEY, PARTNER, INVITATION)],
    ['the partner ID is swapped for another', (t: string) => t.replace(PARTNER, 'fabrikam-distribution')],
  ])('when %s, then it does not match the stored hash', (_label, tamper) => {
    const token = invitationToken(KEY, PARTNER, INVITATION);
    const storedHash = hashInvitationToken(token);

    expect(tokenMatchesHash(tamper(token), storedHash)).toBe(false);
  });

  it('when the stored hash is malformed, then nothing matches it', () => {
    const token = invitationToken(KEY, PARTNER, INVITATION);

    expect(tokenMatchesHash(token, '')).toBe(false);
    expect(tokenMatchesHash(token, 'not-hex')).toBe(false);
  });

  it.each([
    ['an empty string', ''],
    ['no secret', `${PARTNER}.${INVITATION}`],
    ['a short secret', `${PARTNER}.${INVITATION}.${'a'.repeat(42)}`],
    ['a long secret', `${PARTNER}.${INVITATION}.${'a'.repeat(44)}`],
    ['an upper-case partner ID', `Contoso.${INVITATION}.${'a'.repeat(43)}`],
    ['an invitation ID that is not a UUID', `${PARTNER}.not-a-uuid.${'a'.repeat(43)}`],
    ['a secret with padding', `${PARTNER}.${INVITATION}.${'a'.repeat(42)}=`],
    ['a trailing path', `${PARTNER}.${INVITATION}.${'a'.repeat(43)}/x`],
  ])('when the token has %s, then it does not parse', (_label, token) => {
    expect(parseInvitationToken(token)).toBeUndefined();
  });
});
