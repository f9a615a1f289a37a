import type { ApiClient } from '../support/apiClient';
import type { LocalHostProcess } from '../support/localHostProcess';

export type Json = Record<string, any>;

/** A local host started by the bench, with an API client and contoso-direct's token. */
export interface BenchHost {
  readonly host: LocalHostProcess;
  readonly api: ApiClient;
  readonly partner: string;
  /** A new customer tenant whose admin has accepted contoso-direct's reseller link. */
  readonly consentedTenant: () => Promise<{ tenantId: string }>;
}

/** What a scenario of the bench gets from the runner (run.ts). */
export interface BenchContext {
  /** CI-sized run: scenarios shrink to a small version of themselves. */
  readonly short: boolean;
  /** The bench's own Azurite. */
  readonly connectionString: string;
  /** Azurite's process, for its CPU time (undefined for an Azurite given with --storage). */
  readonly storagePid: number | undefined;
  /**
   * A local host process with tables of its own, probing its event loop (LOCAL_EVENT_LOOP_PROBE);
   * `env` overrides its environment (e.g. STORAGE_CONNECTION_STRING through a counting proxy). The
   * caller stops it; the runner also stops it if the bench is interrupted.
   */
  readonly startHost: (options?: { env?: Record<string, string> }) => Promise<BenchHost>;
  /** Azurite's raw insert rate now (entities/s), to set beside a figure taken just after it. */
  readonly baseline: (entities: number) => Promise<number>;
  /** Drops every table in the bench's Azurite, so the next scenario starts from an empty store. */
  readonly dropEveryTable: () => Promise<void>;
  readonly progress: (line: string) => void;
}

/** A scenario: measures, then says its figures as rows of the report's `| measure | value | against |` table. */
export interface BenchScenario {
  readonly name: string;
  run(context: BenchContext): Promise<Json>;
  rows(result: Json): string[];
}
