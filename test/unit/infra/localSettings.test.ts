import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_SETTINGS, parseConfig } from '../../../shared/config/config';

/**
 * `local.settings.sample.json` is what a Core Tools user copies to run `func start` against Azurite:
 * it must name every setting the app reads, with values safe to commit, and start the app as it is.
 */
const ROOT = path.resolve(__dirname, '../../..');
const sample = JSON.parse(readFileSync(path.join(ROOT, 'local.settings.sample.json'), 'utf8')) as {
  Values: Record<string, string>;
};
/** Set by the platform (App Service, Functions, Core Tools), never by hand. */
const PLATFORM_SET = new Set(['WEBSITE_INSTANCE_ID', 'WEBSITE_HOSTNAME', 'WEBSITE_SITE_NAME']);
const SECRETS = ['LINK_SIGNING_KEY', 'SESSION_SECRET', 'DEV_ISSUER_PRIVATE_JWK'];

describe('local.settings.sample.json', () => {
  it('when the app reads a setting, then the sample lists it', () => {
    const missing = CONFIG_SETTINGS.filter((name) => !PLATFORM_SET.has(name) && !(name in sample.Values));
    expect(missing).toEqual([]);
  });

  it('when the sample is committed, then its secrets are empty (made locally at first start) and it names no key', () => {
    expect(SECRETS.map((name) => [name, sample.Values[name]])).toEqual(SECRETS.map((name) => [name, '']));
    const text = JSON.stringify(sample);
    expect(text).not.toMatch(/AccountKey=|InstrumentationKey=|SharedAccessSignature|"d":/);
  });

  it('when the sample is the environment, then the app starts in dev mode on Azurite', () => {
    const config = parseConfig(sample.Values);
    expect(config).toMatchObject({
      authMode: 'dev',
      storage: { connectionString: 'UseDevelopmentStorage=true' },
    });
  });

  it('when Core Tools runs the sample, then the dev issuer is accepted (its WEBSITE_HOSTNAME is localhost)', () => {
    expect(parseConfig({ ...sample.Values, WEBSITE_HOSTNAME: 'localhost:7071' }).authMode).toBe('dev');
  });
});
