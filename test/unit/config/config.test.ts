import { ConfigError, parseConfig } from '../../../shared/config/config';

const STORAGE = 'UseDevelopmentStorage=true';
/** The local host's settings: Azurite and the dev issuer, which is never the default. */
const LOCAL = { STORAGE_CONNECTION_STRING: STORAGE, AUTH_MODE: 'dev' };
const KEY = Buffer.alloc(32, 3).toString('base64');

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('when no AUTH_MODE is set, then the app verifies Entra ID tokens and refuses to start without the Entra settings, naming them', () => {
    const error = configError({ STORAGE_CONNECTION_STRING: STORAGE });

    expect(error.message).toContain('ENTRA_CLIENT_ID: is required when AUTH_MODE=entra');
    expect(error.message).toContain('LINK_SIGNING_KEY: is required when AUTH_MODE=entra');
    expect(error.message).toContain('SESSION_SECRET: is required when AUTH_MODE=entra');
  });

  it('when no AUTH_MODE is set but the Entra settings are, then the mode is entra (never the dev issuer)', () => {
    const config = parseConfig({
      STORAGE_CONNECTION_STRING: STORAGE,
      ENTRA_CLIENT_ID: 'client-id',
      LINK_SIGNING_KEY: KEY,
      SESSION_SECRET: KEY,
    });

    expect(config.authMode).toBe('entra');
  });

  it('when only storage and AUTH_MODE=dev are set, then the local defaults apply', () => {
    const config = parseConfig({ ...LOCAL });

    expect(config).toMatchObject({
      authMode: 'dev',
      storage: { connectionString: STORAGE },
      tablePrefix: '',
      publicBaseUrl: 'http://localhost:7071',
      tokenAudience: 'api://partner-consent',
      devIssuerPrivateJwk: undefined,
      entra: { clientId: undefined, authorityHost: 'https://login.microsoftonline.com' },
      invitationTtlDays: 90,
      consentDeadline: 'P14D',
    });
    expect(config.linkSigningKey).toHaveLength(32);
    expect(config.sessionSecret).toHaveLength(32);
  });

  it('when keys are set, then they are decoded from base64', () => {
    const config = parseConfig({
      ...LOCAL,
      LINK_SIGNING_KEY: KEY,
      SESSION_SECRET: KEY,
    });

    expect(config.linkSigningKey).toEqual(Buffer.alloc(32, 3));
    expect(config.sessionSecret).toEqual(Buffer.alloc(32, 3));
  });

  it('when a key is an unresolved Key Vault reference, then the app refuses to start and names the setting', () => {
    const error = configError({
      ...LOCAL,
      LINK_SIGNING_KEY:
        '@Microsoft.KeyVault(SecretUri=https://kv-example.vault.azure.net/secrets/link-signing-key)',
    });
    expect(error.message).toMatch(/LINK_SIGNING_KEY: is an unresolved Key Vault reference/);
  });

  it('when the public base URL ends with a slash, then the slash is dropped', () => {
    expect(parseConfig({ ...LOCAL, PUBLIC_BASE_URL: 'https://consent.example/' }).publicBaseUrl).toBe(
      'https://consent.example',
    );
  });

  it('when only AzureWebJobsStorage is set, then it is the storage connection', () => {
    expect(parseConfig({ AzureWebJobsStorage: STORAGE, AUTH_MODE: 'dev' }).storage.connectionString).toBe(
      STORAGE,
    );
  });

  it('when a setting is an empty string, then it counts as not set', () => {
    const config = parseConfig({
      ...LOCAL,
      TABLE_PREFIX: '',
      LINK_SIGNING_KEY: '',
    });

    expect(config.tablePrefix).toBe('');
    expect(config.linkSigningKey).toHaveLength(32);
  });

  it('when AUTH_MODE=dev is set and the app runs in Azure, then it is refused with a message naming AUTH_MODE', () => {
    const error = configError({
      ...LOCAL,
      AUTH_MODE: 'dev',
      WEBSITE_INSTANCE_ID: 'abc123',
    });

    expect(error.message).toMatch(/AUTH_MODE: .*refused .*Azure/);
  });

  it('when AUTH_MODE is not set and the app runs in Azure, then it is entra and the missing Entra settings are named', () => {
    const message = configError({
      STORAGE_CONNECTION_STRING: STORAGE,
      WEBSITE_INSTANCE_ID: 'abc123',
    }).message;

    expect(message).toContain('ENTRA_CLIENT_ID: is required when AUTH_MODE=entra');
    expect(message).not.toContain('AUTH_MODE:');
  });

  it('when the platform names the app by its host name only (no instance ID), then the dev issuer is refused too', () => {
    expect(configError({ ...LOCAL, WEBSITE_HOSTNAME: 'func-abc.azurewebsites.net' }).message).toMatch(
      /AUTH_MODE: .*refused/,
    );
  });

  it.each(['localhost:7071', '127.0.0.1:7071'])(
    'when Core Tools sets WEBSITE_HOSTNAME=%s, then that is not Azure and dev mode is accepted',
    (host) => {
      expect(parseConfig({ ...LOCAL, WEBSITE_HOSTNAME: host }).authMode).toBe('dev');
    },
  );

  it('when Application Insights settings are given, then telemetry goes there with Entra ID auth under the site name', () => {
    const config = parseConfig({
      ...LOCAL,
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=abc;Authorization=AAD',
      WEBSITE_SITE_NAME: 'func-abc',
    });

    expect(config.telemetry).toEqual({
      connectionString: expect.stringContaining('IngestionEndpoint='),
      entraAuth: true,
      roleName: 'func-abc',
    });
  });

  it.each([
    ['APPLICATIONINSIGHTS_CONNECTION_STRING', 'InstrumentationKey=abc'],
    ['APPLICATIONINSIGHTS_AUTHENTICATION_STRING', 'Authorization=Key'],
  ])('when %s is %j, then the app refuses to start and names it', (name, value) => {
    expect(configError({ ...LOCAL, [name]: value }).message).toContain(`${name}: must be`);
  });

  it('when AUTH_MODE=entra runs in Azure with its keys, then it is accepted', () => {
    const config = parseConfig({
      ...LOCAL,
      WEBSITE_INSTANCE_ID: 'abc123',
      AUTH_MODE: 'entra',
      ENTRA_CLIENT_ID: 'client-id',
      LINK_SIGNING_KEY: KEY,
      SESSION_SECRET: KEY,
      ACS_ENDPOINT: 'https://acs-abc.communication.azure.com',
      EMAIL_SENDER_ADDRESS: 'DoNotReply@abc.azurecomm.net',
    });

    expect(config).toMatchObject({ authMode: 'entra', entra: { clientId: 'client-id' } });
  });

  it('when AUTH_MODE=entra lacks its keys, then each missing key is named', () => {
    const error = configError({ ...LOCAL, AUTH_MODE: 'entra' });

    expect(error.message).toContain('ENTRA_CLIENT_ID: is required when AUTH_MODE=entra');
    expect(error.message).toContain('LINK_SIGNING_KEY: is required when AUTH_MODE=entra');
    expect(error.message).toContain('SESSION_SECRET: is required when AUTH_MODE=entra');
  });

  it('when AUTH_MODE=entra lacks only one key, then only that key is named', () => {
    const error = configError({
      ...LOCAL,
      AUTH_MODE: 'entra',
      ENTRA_CLIENT_ID: 'client-id',
      LINK_SIGNING_KEY: KEY,
    });

    expect(error.message).toContain('SESSION_SECRET');
    expect(error.message).not.toContain('LINK_SIGNING_KEY');
    expect(error.message).not.toContain('ENTRA_CLIENT_ID');
  });

  it('when no storage setting is given, then it is refused with a message naming the settings to set', () => {
    const error = configError({});

    expect(error.message).toMatch(
      /STORAGE_CONNECTION_STRING: set STORAGE_CONNECTION_STRING, AzureWebJobsStorage or STORAGE_TABLE_ENDPOINT/,
    );
  });

  it.each([
    ['AUTH_MODE', 'magic'],
    ['TABLE_PREFIX', '1abc'],
    ['TABLE_PREFIX', 'has-hyphen'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['LINK_SIGNING_KEY', Buffer.alloc(16).toString('base64')],
    ['INVITATION_TTL_DAYS', '0'],
    ['INVITATION_TTL_DAYS', 'ninety'],
    ['CONSENT_DEADLINE', '14 days'],
    ['STORAGE_TABLE_ENDPOINT', 'not a url'],
  ])('when %s is %j, then it is refused with a message naming it', (name, value) => {
    const error = configError({ ...LOCAL, [name]: value });

    expect(error.message).toMatch(new RegExp(`^Invalid configuration:\\n(.*\\n)*  ${name}: `, 'm'));
  });

  it('when INVITATION_TTL_DAYS is a number in text, then it is read as a number', () => {
    expect(parseConfig({ ...LOCAL, INVITATION_TTL_DAYS: '30' }).invitationTtlDays).toBe(30);
  });
});
