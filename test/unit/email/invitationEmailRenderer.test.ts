import { invitationEmailRenderer } from '../../../shared/adapters/email/invitationEmailRenderer';
import type { InvitationEmailContent } from '../../../shared/application/email/invitationEmailContent';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../../shared/domain/invitations/adminRoles';

const INTUNE_ADMINISTRATOR = '3a2c62db-5318-420d-8d74-23affee5d9d5';
const URL = 'https://consent.example/api/consent/northwind-reseller.abc.def';

function content(overrides: Partial<InvitationEmailContent> = {}): InvitationEmailContent {
  return {
    language: 'en',
    partnerName: 'Northwind Reseller',
    partnerKind: 'indirect-reseller',
    kind: 'reseller-relationship',
    providerNames: ['Fabrikam Distribution'],
    delegatedAdmin: { roles: [INTUNE_ADMINISTRATOR], duration: 'P90D' },
    url: URL,
    expiresAt: '2026-05-30T10:00:00.000Z',
    ...overrides,
  };
}

describe('the invitation email in each language', () => {
  it('when written in English, then both parts name the partner, what is asked, the link and the expiry', () => {
    const email = invitationEmailRenderer.render(content());

    expect(email.subject).toBe('Northwind Reseller asks for your permission to register Windows devices');
    for (const part of [email.text, email.html]) {
      expect(part).toContain('Indirect CSP reseller');
      expect(part).toContain('Fabrikam Distribution');
      expect(part).toContain('Intune Administrator');
      expect(part).toContain('90 days');
      expect(part).toContain(URL);
      expect(part).toContain('May 30, 2026');
    }
    expect(email.text).toContain(`here:\n${URL}\n`);
    expect(email.html).toContain(`<a href='${URL}'`);
    expect(email.html).toContain("<html lang='en' dir='ltr'>");
  });

  it.each([
    ['fr', 'demande votre autorisation', 'Administrateur Intune', '30 mai 2026', '90\u00a0jours'],
    ['de', 'bittet um Ihre Zustimmung', 'Intune-Administrator', '30. Mai 2026', '90 Tage'],
    ['he', 'מבקש את הסכמתך', 'מנהל Intune', '30 במאי 2026', '90 ימים'],
  ] as const)(
    'when written in %s, then subject, role names, date and duration are in that language',
    (language, subjectPart, role, date, duration) => {
      const email = invitationEmailRenderer.render(content({ language }));

      expect(email.subject).toContain(subjectPart);
      for (const part of [email.text, email.html]) {
        expect(part).toContain(role);
        expect(part).toContain(date);
        expect(part).toContain(duration);
        expect(part).toContain(URL);
        expect(part).not.toContain('Intune Administrator');
      }
    },
  );

  it('when written in Hebrew, then the HTML part is right-to-left and the link stays left-to-right', () => {
    const email = invitationEmailRenderer.render(content({ language: 'he' }));

    expect(email.html).toContain("<html lang='he' dir='rtl'>");
    expect(email.html).toContain(`dir='ltr'><a href='${URL}'`);
  });

  it('when the partner name holds markup, then the HTML part escapes it and the text part keeps it as text', () => {
    const email = invitationEmailRenderer.render(
      content({ partnerName: '<script>alert(1)</script> & Co', providerNames: ['"Quoted" <b>'] }),
    );

    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(email.html).toContain('&quot;Quoted&quot; &lt;b&gt;');
    expect(email.text).toContain(
      '<script>alert(1)</script> & Co (Indirect CSP reseller) asks your organisation',
    );
    expect(email.subject).toBe(
      '<script>alert(1)</script> & Co asks for your permission to register Windows devices',
    );
  });

  it('when no roles are asked, then the email says so, and an OEM email says it never grants admin rights', () => {
    const dapFree = invitationEmailRenderer.render(content({ delegatedAdmin: null }));
    expect(dapFree.text).toContain('No administrator roles are asked for.');
    expect(dapFree.text).not.toContain('delegated administrator roles');

    const oem = invitationEmailRenderer.render(
      content({
        partnerName: 'Adatum',
        partnerKind: 'oem',
        kind: 'oem-authorization',
        providerNames: [],
        delegatedAdmin: null,
        language: 'de',
      }),
    );
    expect(oem.text).toContain('OEM-Autorisierung gibt dem OEM niemals Administratorrechte');
    expect(oem.text).not.toContain('Anbieter');
  });

  it('when Global Administrator is among the roles, then it is named with Microsoft’s own term', () => {
    const email = invitationEmailRenderer.render(
      content({ language: 'fr', delegatedAdmin: { roles: [GLOBAL_ADMINISTRATOR_ROLE], duration: 'P1Y' } }),
    );
    expect(email.text).toContain('- Administrateur général');
    expect(email.text).toContain('1\u00a0an');
  });

  it('when the text part is made, then it has no runs of blank lines or trailing spaces', () => {
    const { text } = invitationEmailRenderer.render(content());
    expect(text).not.toMatch(/\n{3,}/);
    expect(text).not.toMatch(/[ \t]+\n/);
    expect(text.endsWith('\n')).toBe(true);
  });
});
