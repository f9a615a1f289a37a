import { ConfigError, parseConfig } from '../../../shared/config/config';

const STORAGE = 'UseDevelopmentStorage=true';
/** The local host's settings: Azurite and the dev issuer, which is never the default. */
const LOCAL = { STORAGE_CONNECTION_STRING: STORAGE, AUTH_MODE: 'dev' };

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('email settings', () => {
  it('when nothing is set, then invitation emails become .eml files in .local/outbox', () => {
    expect(parseConfig({ ...LOCAL }).email).toEqual({
      delivery: 'files',
      outboxDir: '.local/outbox',
      senderAddress: 'DoNotReply@partner-consent.localhost',
    });
  });

  it('when SMTP_URL is set, then they go to that SMTP server', () => {
    expect(parseConfig({ ...LOCAL, SMTP_URL: 'smtp://localhost:1025' }).email).toMatchObject({
      delivery: 'smtp',
      smtpUrl: 'smtp://localhost:1025',
    });
  });

  it('when ACS_ENDPOINT and EMAIL_SENDER_ADDRESS are set, then ACS sends them, even with SMTP_URL set', () => {
    expect(
      parseConfig({
        ...LOCAL,
        ACS_ENDPOINT: 'https://acs-x.communication.azure.com',
        EMAIL_SENDER_ADDRESS: 'DoNotReply@x.azurecomm.net',
        SMTP_URL: 'smtp://localhost:1025',
      }).email,
    ).toEqual({
      delivery: 'acs',
      endpoint: 'https://acs-x.communication.azure.com',
      senderAddress: 'DoNotReply@x.azurecomm.net',
    });
  });

  it('when ACS_ENDPOINT has no sender address, then EMAIL_SENDER_ADDRESS is named', () => {
    expect(
      configError({
        ...LOCAL,
        ACS_ENDPOINT: 'https://acs-x.communication.azure.com',
      }).message,
    ).toContain('EMAIL_SENDER_ADDRESS: is required with ACS_ENDPOINT');
  });

  it('when the app runs in Azure without ACS_ENDPOINT, then it is refused rather than writing mail to disk', () => {
    expect(
      configError({
        ...LOCAL,
        WEBSITE_INSTANCE_ID: 'abc',
        AUTH_MODE: 'entra',
        ENTRA_CLIENT_ID: 'c',
        LINK_SIGNING_KEY: Buffer.alloc(32, 1).toString('base64'),
        SESSION_SECRET: Buffer.alloc(32, 2).toString('base64'),
      }).message,
    ).toContain('ACS_ENDPOINT: is required when the app runs in Azure');
  });

  it.each([
    ['SMTP_URL', 'http://localhost:1025'],
    ['ACS_ENDPOINT', 'http://acs-x.communication.azure.com'],
    ['EMAIL_SENDER_ADDRESS', 'not-an-address'],
  ])('when %s is %s, then the setting is named', (name, value) => {
    expect(configError({ ...LOCAL, [name]: value }).message).toContain(`${name}:`);
  });
});
