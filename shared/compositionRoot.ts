import { randomUUID } from 'node:crypto';
import type { Dependencies } from './application/dependencies';
import type { TokenVerifier } from './application/identity/tokenClaims';
import { noConsentEvents } from './application/ports/consentEvents';
import { systemClock } from './application/ports/clock';
import { BrowserSessions } from './adapters/identity/browserSession';
import { DevIssuer } from './adapters/identity/devIssuer';
import { EntraSignIn } from './adapters/identity/entraSignIn';
import { EntraTokenVerifier } from './adapters/identity/entraTokenVerifier';
import { VerifiedTokenCache } from './adapters/identity/verifiedTokenCache';
import { appTelemetry } from './adapters/telemetry/appTelemetry';
import { AuditTableLog } from './adapters/tables/auditTableLog';
import { DevDirectoryTable } from './adapters/tables/devDirectoryTable';
import { InvitationTableRepository } from './adapters/tables/invitationTableRepository';
import { InvitationEmailOutboxTable } from './adapters/tables/invitationEmailOutboxTable';
import { InvitationEmailQuotaTable } from './adapters/tables/invitationEmailQuotaTable';
import { emailSenderFor } from './adapters/email/emailSenderFactory';
import { invitationEmailRenderer } from './adapters/email/invitationEmailRenderer';
import type { EmailDependencies } from './application/email/emailDependencies';
import { deliveryBySweeper } from './application/ports/invitationEmailDelivery';
import { PartnerTableDirectory } from './adapters/tables/partnerTableDirectory';
import { RelationshipTableRepository } from './adapters/tables/relationshipTableRepository';
import type { StorageCaller } from './adapters/tables/tableClientFactory';
import { TableClientFactory, tableStorageTarget } from './adapters/tables/tableClientFactory';
import type { TableNames } from './adapters/tables/tableNames';
import { tableNames } from './adapters/tables/tableNames';
import type { AppConfig } from './config/config';
import { config } from './config/config';
import type { BatchDependencies } from './application/batches/batchDependencies';
import type { BatchWorkflow } from './application/ports/batchWorkflow';
import { BatchTableRepository } from './adapters/tables/batchTableRepository';
import { DeviceOutcomeTable } from './adapters/tables/deviceOutcomeTable';
import { DeviceRegistryTable, indexTableName } from './adapters/tables/deviceRegistryTable';
import { DeviceStagingTable } from './adapters/tables/deviceStagingTable';
import { invitationToken } from './domain/invitations/invitationToken';
import type { StagedUploadStore } from './application/portal/stagedUploads';
import { StagedUploadTable } from './adapters/tables/stagedUploadTable';
import type { PartnerCenterStore } from './application/partnerCenter/partnerCenterStore';
import { PartnerCenterTable } from './adapters/tables/partnerCenterTable';

/** The app's object graph, built once per process from the configuration. */
export interface Services {
  readonly config: AppConfig;
  readonly tables: TableClientFactory;
  readonly tableNames: TableNames;
  readonly deps: Dependencies;
  /** The device-batch use cases' dependencies; the workflow needs a durable client, given per invocation. */
  readonly batchDeps: BatchDependencies;
  readonly partners: PartnerTableDirectory;
  readonly verifier: TokenVerifier;
  /** Present only with AUTH_MODE=dev. */
  readonly devIssuer: DevIssuer | undefined;
  readonly devDirectory: DevDirectoryTable;
  readonly sessions: BrowserSessions;
  /** The browser sign-in with Entra ID; present only with AUTH_MODE=entra. */
  readonly entraSignIn: EntraSignIn | undefined;
  /** The partner portal's CSV files between "check" and "confirm". */
  readonly uploads: StagedUploadStore;
  /** The Partner Center–compatible surface's own records (named batches, uploads, first answers). */
  readonly partnerCenter: PartnerCenterStore;
  /**
   * The same use cases' dependencies for activities and timers: their storage calls have the background
   * budget (long tries, more retries; STORAGE_BUDGETS), the ones above the budget of an HTTP request.
   */
  readonly background: BackgroundServices;
}

export interface BackgroundServices {
  readonly deps: Dependencies;
  readonly batchDeps: BatchDependencies;
  readonly uploads: StagedUploadStore;
  /** Delivering invitation emails (the outbox's activities and sweeper). */
  readonly emailDeps: EmailDependencies;
}

export async function buildServices(cfg: AppConfig): Promise<Services> {
  const tables = new TableClientFactory(await tableStorageTarget(cfg.storage, cfg.managedIdentityClientId));
  const names = tableNames(cfg.tablePrefix);
  const devIssuer =
    cfg.authMode === 'dev'
      ? await DevIssuer.create({
          privateJwk: cfg.devIssuerPrivateJwk,
          issuer: `${cfg.publicBaseUrl}/api/dev`,
          audience: cfg.tokenAudience,
        })
      : undefined;
  const issuerVerifier: TokenVerifier =
    devIssuer ??
    new EntraTokenVerifier({
      authorityHost: cfg.entra.authorityHost,
      audiences: [cfg.tokenAudience, ...(cfg.entra.clientId ? [cfg.entra.clientId] : [])],
      clientId: cfg.entra.clientId,
    });
  const verifier = new VerifiedTokenCache(issuerVerifier);
  const entraSignIn =
    issuerVerifier instanceof EntraTokenVerifier && cfg.entra.clientId
      ? new EntraSignIn({
          authorityHost: cfg.entra.authorityHost,
          clientId: cfg.entra.clientId,
          redirectUri: `${cfg.publicBaseUrl}/api/auth/callback`,
          sessionSecret: cfg.sessionSecret,
          idTokens: issuerVerifier,
        })
      : undefined;
  const telemetry = appTelemetry(cfg);
  const sharedPartners = new PartnerTableDirectory(() => tables.table(names.partners, 'request'));

  /** The use cases' dependencies whose storage calls have the budget of `caller`. */
  const useCaseDeps = (caller: StorageCaller) => {
    const table = (name: string) => () => tables.table(name, caller);
    // One partner list for every caller (an enrolment is seen at once by all), read within each budget.
    const partners = sharedPartners.through(table(names.partners));
    const devDirectory = new DevDirectoryTable(table(names.devUsers), table(names.devTenants));
    const deps: Dependencies = {
      partners,
      invitations: new InvitationTableRepository(table(names.invitations)),
      emailOutbox: new InvitationEmailOutboxTable(table(names.invitations)),
      emailQuota: new InvitationEmailQuotaTable(table(names.invitations), cfg.invitationEmailsPerHour),
      // Requests with a durable client start delivery at once (invocationDeps); the sweeper does otherwise.
      emailDelivery: deliveryBySweeper,
      relationships: new RelationshipTableRepository(table(names.relationships)),
      audit: new AuditTableLog(table(names.audit)),
      tenants: cfg.authMode === 'dev' ? devDirectory : { domainOf: () => Promise.resolve(undefined) },
      consentEvents: noConsentEvents,
      clock: systemClock,
      newId: randomUUID,
      links: {
        token: (partnerId, invitationId) => invitationToken(cfg.linkSigningKey, partnerId, invitationId),
        url: (token) => `${cfg.publicBaseUrl}/api/consent/${token}`,
      },
      invitationTtlDays: cfg.invitationTtlDays,
      telemetry,
    };
    const batchDeps: BatchDependencies = {
      ...deps,
      batches: new BatchTableRepository(table(names.deviceBatches)),
      staging: new DeviceStagingTable(table(names.batchStaging)),
      outcomes: new DeviceOutcomeTable(table(names.deviceOutcomes)),
      registry: new DeviceRegistryTable((n) => table(indexTableName(names.deviceIndex, n))()),
      workflow: workflowNeedsDurableClient,
      consentDeadline: cfg.consentDeadline,
    };
    return {
      partners,
      devDirectory,
      deps,
      batchDeps,
      uploads: new StagedUploadTable(table(names.portalUploads)),
    };
  };
  const request = useCaseDeps('request');
  const background = useCaseDeps('background');
  return {
    config: cfg,
    tables,
    tableNames: names,
    deps: request.deps,
    batchDeps: request.batchDeps,
    partners: request.partners,
    verifier,
    devIssuer,
    devDirectory: request.devDirectory,
    sessions: new BrowserSessions(cfg.sessionSecret, cfg.publicBaseUrl.startsWith('https:')),
    entraSignIn,
    uploads: request.uploads,
    partnerCenter: new PartnerCenterTable(() => tables.table(names.partnerCenter, 'request')),
    background: {
      deps: background.deps,
      batchDeps: background.batchDeps,
      uploads: background.uploads,
      emailDeps: {
        ...background.deps,
        sender: await emailSenderFor(cfg.email, cfg.managedIdentityClientId),
        renderer: invitationEmailRenderer,
        claimSeconds: EMAIL_CLAIM_SECONDS,
      },
    },
  };
}

/** Long enough for one send, short enough that a crashed dispatcher's email is picked up soon. */
const EMAIL_CLAIM_SECONDS = 120;

const workflowNeedsDurableClient: BatchWorkflow = {
  ensureStarted: () =>
    Promise.reject(new Error('Starting a batch needs the durable client of the invocation')),
  consentGiven: () =>
    Promise.reject(new Error('Signalling a batch needs the durable client of the invocation')),
  consentRevoked: () =>
    Promise.reject(new Error('Signalling a batch needs the durable client of the invocation')),
};

let built: Promise<Services> | undefined;

export function services(): Promise<Services> {
  built ??= buildServices(config());
  return built;
}
