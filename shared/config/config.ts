import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Every setting the app reads, parsed once at start-up. A bad value stops the app with a message
 * naming the setting; nothing else in the code reads process.env.
 */
const base64Key = z
  .string()
  // An unresolved Key Vault reference reaches the app as its own text: that is no key at all.
  .refine(
    (v) => !v.startsWith('@Microsoft.KeyVault('),
    'is an unresolved Key Vault reference; check the app identity can read the secret',
  )
  .refine((v) => Buffer.from(v, 'base64').length >= 32, 'must be at least 32 bytes, base64-encoded');

const ConfigSchema = z
  .object({
    // Fail closed: without a word otherwise the app verifies Entra ID tokens. The dev issuer (mints any
    // token for anyone) runs only where it is asked for: the local host, local.settings.json, the tests.
    AUTH_MODE: z.enum(['dev', 'entra']).default('entra'),
    STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
    AzureWebJobsStorage: z.string().min(1).optional(),
    STORAGE_TABLE_ENDPOINT: z.url().optional(),
    TABLE_PREFIX: z
      .string()
      .regex(/^([A-Za-z][A-Za-z0-9]{0,30})?$/, 'letters and digits, starting with a letter')
      .default(''),
    PUBLIC_BASE_URL: z.url().default('http://localhost:7071'),
    TOKEN_AUDIENCE: z.string().min(1).default('api://partner-consent'),
    LINK_SIGNING_KEY: base64Key.optional(),
    SESSION_SECRET: base64Key.optional(),
    DEV_ISSUER_PRIVATE_JWK: z.string().optional(),
    ENTRA_CLIENT_ID: z.string().optional(),
    ENTRA_AUTHORITY_HOST: z.url().default('https://login.microsoftonline.com'),
    INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(90),
    INVITATION_EMAILS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(100),
    CONSENT_DEADLINE: z
      .string()
      .regex(/^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/, 'an ISO 8601 duration such as P14D or PT30S')
      .default('P14D'),
    WEBSITE_INSTANCE_ID: z.string().optional(),
    WEBSITE_HOSTNAME: z.string().optional(),
    WEBSITE_SITE_NAME: z.string().optional(),
    AZURE_CLIENT_ID: z.string().optional(),
    ACS_ENDPOINT: z.url({ protocol: /^https$/ }).optional(),
    EMAIL_SENDER_ADDRESS: z.email().optional(),
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
    EMAIL_OUTBOX_DIR: z.string().min(1).default('.local/outbox'),
    APPLICATIONINSIGHTS_CONNECTION_STRING: z
      .string()
      .refine(
        (v) =>
          /(^|;)\s*InstrumentationKey=[^;]+/i.test(v) &&
          /(^|;)\s*IngestionEndpoint=https?:\/\/[^;]+/i.test(v),
        'must be an Application Insights connection string with InstrumentationKey and IngestionEndpoint',
      )
      .optional(),
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: z
      .string()
      .regex(
        /^(ClientId=[^;]+;)?Authorization=AAD$/i,
        'must be "Authorization=AAD" or "ClientId=<id>;Authorization=AAD"',
      )
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.AUTH_MODE === 'dev' && runsInAzure(env)) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_MODE'],
        message: 'the dev issuer is refused when the app runs in Azure',
      });
    }
    if (env.AUTH_MODE === 'entra') {
      for (const key of ['ENTRA_CLIENT_ID', 'LINK_SIGNING_KEY', 'SESSION_SECRET'] as const) {
        if (!env[key])
          ctx.addIssue({ code: 'custom', path: [key], message: 'is required when AUTH_MODE=entra' });
      }
    }
    if (env.ACS_ENDPOINT && !env.EMAIL_SENDER_ADDRESS) {
      ctx.addIssue({
        code: 'custom',
        path: ['EMAIL_SENDER_ADDRESS'],
        message: 'is required with ACS_ENDPOINT',
      });
    }
    if (env.WEBSITE_INSTANCE_ID && !env.ACS_ENDPOINT) {
      // In Azure, .eml files on a worker's disk would be mail that never leaves.
      ctx.addIssue({
        code: 'custom',
        path: ['ACS_ENDPOINT'],
        message: 'is required when the app runs in Azure',
      });
    }
    if (!env.STORAGE_CONNECTION_STRING && !env.AzureWebJobsStorage && !env.STORAGE_TABLE_ENDPOINT) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORAGE_CONNECTION_STRING'],
        message: 'set STORAGE_CONNECTION_STRING, AzureWebJobsStorage or STORAGE_TABLE_ENDPOINT',
      });
    }
  });

/**
 * App Service and Functions set WEBSITE_INSTANCE_ID on their workers and WEBSITE_HOSTNAME to the app's
 * host name; Core Tools sets WEBSITE_HOSTNAME too, but to localhost, which is not Azure.
 */
function runsInAzure(env: {
  WEBSITE_INSTANCE_ID?: string | undefined;
  WEBSITE_HOSTNAME?: string | undefined;
}) {
  if (env.WEBSITE_INSTANCE_ID) return true;
  const host = env.WEBSITE_HOSTNAME?.replace(/:\d+$/, '').toLowerCase();
  return host !== undefined && !['localhost', '127.0.0.1', '[::1]', '0.0.0.0'].includes(host);
}

/**
 * A connection string asks for plain HTTP by its protocol or its table endpoint, or by being the
 * emulator's shorthand (`UseDevelopmentStorage=true`, whose endpoints are http://127.0.0.1). The SDK
 * refuses http unless told: a key or token sent in clear text is not something to fall into by accident.
 */
function namesPlainHttp(connectionString: string): boolean {
  const parts = new Map(
    connectionString
      .split(';')
      .map((part) => part.split('=', 2) as [string, string?])
      .map(([key, value]) => [key.trim().toLowerCase(), (value ?? '').trim().toLowerCase()]),
  );
  return (
    parts.get('usedevelopmentstorage') === 'true' ||
    parts.get('defaultendpointsprotocol') === 'http' ||
    (parts.get('tableendpoint') ?? '').startsWith('http:')
  );
}

/** The name of every setting the app reads. */
export const CONFIG_SETTINGS: readonly string[] = Object.keys(ConfigSchema.shape);

export interface AppConfig {
  readonly authMode: 'dev' | 'entra';
  readonly storage: {
    readonly connectionString?: string;
    readonly tableEndpoint?: string;
    /** The connection string itself names a plain-HTTP endpoint (the emulator's): the SDK may use it. */
    readonly allowInsecureHttp: boolean;
  };
  readonly tablePrefix: string;
  readonly publicBaseUrl: string;
  readonly tokenAudience: string;
  readonly linkSigningKey: Buffer;
  readonly sessionSecret: Buffer;
  readonly devIssuerPrivateJwk: string | undefined;
  readonly entra: { readonly clientId: string | undefined; readonly authorityHost: string };
  readonly invitationTtlDays: number;
  /** Invitation emails each partner may queue per hour, counted in Table Storage across instances. */
  readonly invitationEmailsPerHour: number;
  readonly consentDeadline: string;
  /** The user-assigned managed identity's client ID (Azure); unset locally, where az login is used. */
  readonly managedIdentityClientId: string | undefined;
  /** Invitation emails: ACS in Azure; locally SMTP to a mail catcher when SMTP_URL is set, else .eml files. */
  readonly email: EmailConfig;
  /** Custom events to Application Insights; without a connection string they are log lines only. */
  readonly telemetry: {
    readonly connectionString: string | undefined;
    /** Ingestion with an Entra ID token (local auth is off on the resource). */
    readonly entraAuth: boolean;
    readonly roleName: string;
  };
}

export type EmailConfig =
  | { readonly delivery: 'acs'; readonly endpoint: string; readonly senderAddress: string }
  | { readonly delivery: 'smtp'; readonly smtpUrl: string; readonly senderAddress: string }
  | { readonly delivery: 'files'; readonly outboxDir: string; readonly senderAddress: string };

const LOCAL_SENDER_ADDRESS = 'DoNotReply@partner-consent.localhost';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(env: NodeJS.ProcessEnv): AppConfig {
  // An empty setting (as in local.settings.sample.json) means "not set".
  const result = ConfigSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')),
  );
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  const connectionString =
    e.STORAGE_CONNECTION_STRING ?? (e.STORAGE_TABLE_ENDPOINT ? undefined : e.AzureWebJobsStorage);
  return {
    authMode: e.AUTH_MODE,
    storage: {
      connectionString,
      tableEndpoint: e.STORAGE_TABLE_ENDPOINT,
      allowInsecureHttp: connectionString !== undefined && namesPlainHttp(connectionString),
    },
    tablePrefix: e.TABLE_PREFIX,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/$/, ''),
    tokenAudience: e.TOKEN_AUDIENCE,
    // Locally, unset keys are made up per process: links and sessions then last as long as the process.
    linkSigningKey: e.LINK_SIGNING_KEY ? Buffer.from(e.LINK_SIGNING_KEY, 'base64') : randomBytes(32),
    sessionSecret: e.SESSION_SECRET ? Buffer.from(e.SESSION_SECRET, 'base64') : randomBytes(32),
    devIssuerPrivateJwk: e.DEV_ISSUER_PRIVATE_JWK,
    entra: { clientId: e.ENTRA_CLIENT_ID, authorityHost: e.ENTRA_AUTHORITY_HOST },
    invitationTtlDays: e.INVITATION_TTL_DAYS,
    invitationEmailsPerHour: e.INVITATION_EMAILS_PER_HOUR,
    consentDeadline: e.CONSENT_DEADLINE,
    managedIdentityClientId: e.AZURE_CLIENT_ID,
    email: e.ACS_ENDPOINT
      ? { delivery: 'acs', endpoint: e.ACS_ENDPOINT, senderAddress: e.EMAIL_SENDER_ADDRESS ?? '' }
      : e.SMTP_URL
        ? {
            delivery: 'smtp',
            smtpUrl: e.SMTP_URL,
            senderAddress: e.EMAIL_SENDER_ADDRESS ?? LOCAL_SENDER_ADDRESS,
          }
        : {
            delivery: 'files',
            outboxDir: e.EMAIL_OUTBOX_DIR,
            senderAddress: e.EMAIL_SENDER_ADDRESS ?? LOCAL_SENDER_ADDRESS,
          },
    telemetry: {
      connectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING,
      entraAuth: e.APPLICATIONINSIGHTS_AUTHENTICATION_STRING !== undefined,
      roleName: e.WEBSITE_SITE_NAME ?? 'partner-consent',
    },
  };
}

let loaded: AppConfig | undefined;

/** The app's configuration, parsed from the environment on first use. */
export function config(): AppConfig {
  loaded ??= parseConfig(process.env);
  return loaded;
}
