import { DEFAULT_RETURN_TO, safeReturnTo } from '../../../shared/adapters/http/safeReturnTo';
import { DomainError } from '../../../shared/domain/domainError';

/**
 * returnTo is read as a browser reads a Location header: anything a browser could take to another
 * site is refused, whatever trick hides it from a string check.
 */
const ORIGIN = 'https://consent.example';

function refusalOf(value: string): string | undefined {
  try {
    safeReturnTo(value, ORIGIN);
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
}

describe('safeReturnTo', () => {
  it.each([
    ['an absolute URL of another site', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example/x'],
    ['a tab after the first slash (dropped by browsers: //evil.example)', '/\t/evil.example'],
    ['a newline after the first slash', '/\n/evil.example'],
    ['a carriage return after the first slash', '/\r/evil.example'],
    ['a backslash after the first slash (read as /)', '/\\evil.example'],
    ['a backslash and a tab', '/\t\\evil.example'],
    ['a backslash further on', '/api/..\\..\\evil'],
    ['a NUL', '/api/\u0000x'],
    ['a DEL', '/api/\u007fx'],
    ['a C1 control', '/api/\u0085x'],
    ['a leading space', ' //evil.example'],
    ['a leading tab', '\t//evil.example'],
    ['a dot segment that leaves //evil.example as the path', '/.//evil.example'],
    ['two dot segments that leave //evil.example as the path', '/../..//evil.example'],
    ['an encoded dot segment that leaves //evil.example as the path', '/%2e//evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['a relative path', 'api/portal'],
    ['a scheme with our own host', 'http://consent.example/api/portal'],
    ['a user-info trick', 'https://consent.example@evil.example/'],
  ])('when returnTo is %s (%j), then it is refused with InvalidReturnTo', (_what, value) => {
    expect(refusalOf(value)).toBe('InvalidReturnTo');
  });

  it.each([
    ['/api/consent/contoso.abc.def', '/api/consent/contoso.abc.def'],
    ['/api/portal/customers#invite', '/api/portal/customers#invite'],
    ['/api/portal/customers?status=failed&x=1', '/api/portal/customers?status=failed&x=1'],
    ['/api/tenant/partners?lang=fr', '/api/tenant/partners?lang=fr'],
    // Not another site: a path on this one, whatever it is (the app answers 404 if it is no page).
    ['/%09/evil.example', '/%09/evil.example'],
    ['/api/../evil.example', '/evil.example'],
    // Sent back percent-encoded: no raw non-ASCII character reaches the Location header.
    ['/api/portal/customers?q=café€', '/api/portal/customers?q=caf%C3%A9%E2%82%AC'],
  ])('when returnTo is %j (a path on this site), then it comes back as %j', (value, expected) => {
    expect(safeReturnTo(value, ORIGIN)).toBe(expected);
  });

  it.each([undefined, null, ''])('when returnTo is %j, then the default page is used', (value) => {
    expect(safeReturnTo(value, ORIGIN)).toBe(DEFAULT_RETURN_TO);
  });
});
