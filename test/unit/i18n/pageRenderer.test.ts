import { renderPage } from '../../../shared/adapters/web/pageRenderer';

const consentModel = {
  partnerName: 'Contoso <Devices> & Co',
  partnerKindLabel: 'Direct CSP partner',
  tenantDomain: 'tailspin.onmicrosoft.com',
  isOem: false,
  providers: [],
  delegatedAdmin: { roles: ['Intune Administrator'], duration: 'P90D', includesGlobalAdmin: false },
  eligible: true,
  actionUrl: '/api/consent/x',
  csrf: 'c',
};

describe('rendering localized pages', () => {
  it('when a page passes no language, then it renders in English, left to right, without a switcher', () => {
    const html = renderPage('consent', { title: 'T' }, consentModel);
    expect(html).toContain("<html lang='en' dir='ltr'>");
    expect(html).toContain('>Accept</button>');
    expect(html).toContain('for 90 days:');
    expect(html).not.toContain("class='languages'");
  });

  it('when the page is Hebrew, then the document is right-to-left and the form speaks Hebrew', () => {
    const html = renderPage('consent', { title: 'T', locale: 'he' }, consentModel);
    expect(html).toContain("<html lang='he' dir='rtl'>");
    expect(html).toContain('>קבל</button>');
    expect(html).toContain("<label for='consent'>כן</label>");
    expect(html).toContain('90 ימים');
  });

  it.each([
    ['fr', 'Oui', 'Accepter'],
    ['de', 'Ja', 'Akzeptieren'],
  ])('when the page is %s, then Yes and Accept are Microsoft’s words', (locale, yes, accept) => {
    const html = renderPage('consent', { title: 'T', locale: locale as 'fr' | 'de' }, consentModel);
    expect(html).toContain(`<label for='consent'>${yes}</label>`);
    expect(html).toContain(`>${accept}</button>`);
  });

  it('when a value holds markup, then it is escaped inside translated sentences and emphasis', () => {
    const html = renderPage('consent', { title: 'T', locale: 'fr' }, consentModel);
    expect(html).toContain('<strong><bdi>Contoso &lt;Devices&gt; &amp; Co</bdi></strong>');
    expect(html).not.toContain('<Devices>');
  });

  it('when a switcher is given, then each language is a link with its own name and the current one is marked', () => {
    const html = renderPage(
      'error',
      {
        title: 'T',
        locale: 'de',
        languageLinks: [
          { locale: 'en', name: 'English', href: '/x?lang=en', current: false },
          { locale: 'de', name: 'Deutsch', href: '/x?lang=de', current: true },
        ],
      },
      { heading: 'H', message: 'M', code: 'C' },
    );
    expect(html).toContain("<nav class='languages' aria-label='Sprache'>");
    expect(html).toContain("<a href='/x?lang&#x3D;en' lang='en' hreflang='en'>English</a>");
    expect(html).toContain(
      "<a href='/x?lang&#x3D;de' lang='de' hreflang='de' aria-current='true'>Deutsch</a>",
    );
    expect(html).toContain('Referenz: C');
  });
});
