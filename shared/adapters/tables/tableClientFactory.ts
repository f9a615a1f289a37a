import type { TokenCredential } from '@azure/core-auth';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { azureCredential } from '../azure/azureCredential';

/**
 * The one place that knows how to reach Table storage: a connection string (Azurite, or an account
 * key) locally; in Azure an account URL with a token credential (managed identity).
 */
export interface TableStorageTarget {
  readonly connectionString?: string;
  readonly accountUrl?: string;
  readonly credential?: TokenCredential;
}

/**
 * The target from the storage settings: the connection string when there is one, else the table
 * endpoint with the Azure credential (the managed identity `clientId`, or the signed-in developer's
 * when undefined).
 */
export async function tableStorageTarget(
  storage: { readonly connectionString?: string | undefined; readonly tableEndpoint?: string | undefined },
  clientId: string | undefined,
): Promise<TableStorageTarget> {
  if (storage.connectionString) return { connectionString: storage.connectionString };
  return { accountUrl: storage.tableEndpoint, credential: await azureCredential(clientId) };
}

const isLocal = (connectionString: string) =>
  /127\.0\.0\.1|localhost|UseDevelopmentStorage=true/i.test(connectionString);

export class TableClientFactory {
  readonly #clients = new Map<string, TableClient>();
  readonly #created = new Map<string, Promise<void>>();

  constructor(private readonly target: TableStorageTarget) {}

  /** A client for one table; the first call for a table creates it if it does not exist yet. */
  async table(name: string): Promise<TableClient> {
    const client = this.client(name);
    let created = this.#created.get(name);
    if (!created) {
      created = client.createTable().catch((error: unknown) => {
        this.#created.delete(name);
        throw error;
      });
      this.#created.set(name, created);
    }
    await created;
    return client;
  }

  /** A client without the create-if-missing step, for hot paths once the table is known to exist. */
  client(name: string): TableClient {
    let client = this.#clients.get(name);
    if (!client) {
      client = this.#newClient(name);
      this.#clients.set(name, client);
    }
    return client;
  }

  service(): TableServiceClient {
    const { connectionString, accountUrl, credential } = this.target;
    if (connectionString) {
      return TableServiceClient.fromConnectionString(connectionString, {
        allowInsecureConnection: isLocal(connectionString),
      });
    }
    if (accountUrl && credential) return new TableServiceClient(accountUrl, credential);
    throw new Error('Table storage is not configured: set a connection string or an account URL.');
  }

  #newClient(name: string): TableClient {
    const { connectionString, accountUrl, credential } = this.target;
    if (connectionString) {
      return TableClient.fromConnectionString(connectionString, name, {
        allowInsecureConnection: isLocal(connectionString),
      });
    }
    if (accountUrl && credential) return new TableClient(accountUrl, name, credential);
    throw new Error('Table storage is not configured: set a connection string or an account URL.');
  }
}
