import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Catalog } from '../../../shared/adapters/web/messageCatalogs';
import {
  catalogs,
  localeDir,
  placeholdersOf,
  readCatalogFile,
} from '../../../shared/adapters/web/messageCatalogs';
import { messageKeysIn } from '../../../shared/adapters/web/templateHelpers';
import { DEFAULT_LOCALE, LOCALES } from '../../../shared/adapters/web/locales';
import { ADMIN_ROLES } from '../../../shared/domain/invitations/adminRoles';
import { PARTNER_KINDS } from '../../../shared/domain/partners/partner';

/** The catalogs are complete: same keys and same placeholders in every language, and every key used exists. */
function catalogProblems(all: ReadonlyMap<string, Catalog>, reference = DEFAULT_LOCALE): string[] {
  const english = all.get(reference)!;
  const problems: string[] = [];
  for (const [locale, catalog] of all) {
    for (const key of english.keys()) {
      const text = catalog.get(key);
      if (text === undefined) problems.push(`${locale}: missing ${key}`);
      else if (text.trim() === '') problems.push(`${locale}: empty ${key}`);
      else if (placeholdersOf(text).join() !== placeholdersOf(english.get(key)!).join())
        problems.push(`${locale}: ${key} has placeholders {${placeholdersOf(text).join('}{')}}`);
    }
    for (const key of catalog.keys()) if (!english.has(key)) problems.push(`${locale}: extra ${key}`);
  }
  return problems;
}

const TEMPLATE_DIRS = [
  path.resolve(__dirname, '../../../shared/adapters/web/templates'),
  path.resolve(__dirname, '../../../shared/adapters/email/templates'),
];

function templateKeys(): { file: string; key: string }[] {
  return TEMPLATE_DIRS.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.hbs'))
      .flatMap((file) =>
        messageKeysIn(readFileSync(path.join(dir, file), 'utf8')).map((key) => ({ file, key })),
      ),
  );
}

describe('message catalogs', () => {
  it('when the catalogs are read, then there is one file per language and no other', () => {
    const files = readdirSync(localeDir()).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(LOCALES.map((l) => `${l}.json`).sort());
  });

  it('when every language is compared with English, then none misses, adds or empties a key, or changes placeholders', () => {
    expect(catalogProblems(catalogs())).toEqual([]);
  });

  it('when a catalog misses a key or has an extra one, then the completeness check names both', () => {
    const english = new Map([
      ['a', 'A {x}'],
      ['b', 'B'],
    ]);
    const broken = new Map([
      ['a', 'Â {y}'],
      ['c', 'C'],
    ]);
    expect(
      catalogProblems(
        new Map<string, Catalog>([
          ['en', english],
          ['fr', broken],
        ]),
      ),
    ).toEqual(['fr: a has placeholders {y}', 'fr: missing b', 'fr: extra c']);
  });

  it('when templates name message keys, then every one is in the English catalog', () => {
    const english = catalogs().get('en')!;
    const used = templateKeys();
    expect(used.length).toBeGreaterThan(40);
    expect(used.filter(({ key }) => !english.has(key))).toEqual([]);
  });

  it('when a template names a key no catalog has, then the check finds it', () => {
    expect(messageKeysIn(`<p>{{t 'consent.nope' partner=(strong x)}}</p> {{t "layout.product"}}`)).toEqual([
      'consent.nope',
      'layout.product',
    ]);
  });

  it('when keys are built in code (partner kinds, role names, refusals, error headings), then each exists', () => {
    const english = catalogs().get('en')!;
    const built = [
      ...PARTNER_KINDS.map((k) => `partnerKinds.${k}`),
      'partnerKinds.unknown',
      ...Object.keys(ADMIN_ROLES).map((id) => `roles.${id}`),
      ...['GlobalAdministratorRequired', 'CloudNativeAccountRequired', 'CustomerAccountRequired'].flatMap(
        (code) => [`refusals.${code}.title`, `refusals.${code}.reason`],
      ),
      ...[400, 401, 403, 404, 410, 500].map((status) => `error.headings.${status}`),
      'admin.relationship.reseller',
      'admin.relationship.oem',
      'admin.authorization.direct',
      'admin.authorization.indirect',
    ];
    expect(built.filter((key) => !english.has(key))).toEqual([]);
  });

  it('when a catalog file holds something other than strings, then reading it fails naming the key', () => {
    const tmp = path.join(tmpdir(), `catalog-${process.pid}.json`);
    writeFileSync(tmp, JSON.stringify({ a: { b: 3 } }));
    expect(() => readCatalogFile(tmp)).toThrow('"a.b" must be a string');
  });
});
