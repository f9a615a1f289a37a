import { odata } from '@azure/data-tables';
import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import type { DeviceOutcomeStore } from '../../application/ports/batchRepository';
import type { BatchRef } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../domain/batches/deviceOutcome';
import { STORED_OUTCOME_FIELDS } from '../../domain/batches/deviceOutcome';
import { fromPackedProperties, toPackedProperties } from './packedText';
import { isConflict } from './tableErrors';

/**
 * A batch's per-device results, packed: one partition per chunk, one row per block of BLOCK device
 * indexes (RowKey `b<block>`) holding the block's outcomes as JSON lines (see packedText.ts).
 *
 * Why packed: a device's registration must write its index entry; one row per outcome as well would
 * double the rows written per device, and the storage's write rate is counted in rows. Results are
 * written once per chunk and read a chunk at a time, so rows of 50 cost nothing in queries.
 * Why 50: with every field at its length limit and every character escaped in JSON, 50 outcomes still
 * fit one entity (1 MiB); real ones take about 12,000 characters.
 *
 * A deregistration is a row of its own (`d<index>`), so it never rewrites a block; reads add it to the
 * device's outcome.
 */
const BLOCK = 50;
/** A transaction holds at most 100 entities and 4 MiB; UTF-16 counts two bytes a character. */
const MAX_TRANSACTION_CHARS = 1_500_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const partitionKey = (ref: BatchRef, chunkNo: number) =>
  `${ref.tenantId}|${ref.partnerId}|${ref.batchId}|${pad(chunkNo, 5)}`;
const blockKey = (block: number) => `b${pad(block, 5)}`;
const deregisteredKey = (index: number) => `d${pad(index, 6)}`;
const blocksOf = (ref: BatchRef, chunkNo: number) =>
  odata`PartitionKey eq ${partitionKey(ref, chunkNo)} and RowKey ge 'b' and RowKey lt 'c'`;

export class DeviceOutcomeTable implements DeviceOutcomeStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  /**
   * Inserts, the cheapest write; a block already there (a retried chunk) is replaced instead. Blocks
   * are keyed by index, so a retry replaces exactly the rows of the first attempt.
   */
  async writeChunk(ref: BatchRef, chunkNo: number, outcomes: readonly DeviceOutcome[]): Promise<void> {
    const client = await this.table();
    const pk = partitionKey(ref, chunkNo);
    const blocks = new Map<number, string>();
    for (const outcome of outcomes) {
      const block = Math.floor(outcome.index / BLOCK);
      blocks.set(block, `${blocks.get(block) ?? ''}${JSON.stringify(stored(outcome))}\n`);
    }
    const rows = [...blocks].map(([block, text]) => ({
      chars: text.length,
      entity: { partitionKey: pk, rowKey: blockKey(block), ...toPackedProperties(text) },
    }));
    await Promise.all(
      transactions(rows).map(async (entities) => {
        try {
          await client.submitTransaction(entities.map((e): TransactionAction => ['create', e]));
        } catch (error) {
          if (!isConflict(error)) throw error;
          await client.submitTransaction(entities.map((e): TransactionAction => ['upsert', e, 'Replace']));
        }
      }),
    );
  }

  /** The chunk's outcomes in index order, with the deregistrations marked since (one query: the partition). */
  async readChunk(ref: BatchRef, chunkNo: number): Promise<DeviceOutcome[]> {
    const rows = (await this.table()).listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey(ref, chunkNo)}` },
    });
    const outcomes: DeviceOutcome[] = [];
    const deregistered = new Map<number, string>();
    for await (const row of rows) {
      const rowKey = String(row.rowKey);
      if (rowKey.startsWith('d')) {
        deregistered.set(Number(rowKey.slice(1)), String(row.deregisteredAt));
        continue;
      }
      for (const line of fromPackedProperties(row).split('\n')) {
        if (line !== '') outcomes.push(JSON.parse(line) as DeviceOutcome);
      }
    }
    return outcomes
      .sort((a, b) => a.index - b.index)
      .map((o) => {
        const at = deregistered.get(o.index);
        return at === undefined ? o : { ...o, deregisteredAt: at };
      });
  }

  async clearChunk(ref: BatchRef, chunkNo: number): Promise<void> {
    const client = await this.table();
    const rows = client.listEntities({
      queryOptions: { filter: blocksOf(ref, chunkNo), select: ['PartitionKey', 'RowKey'] },
    });
    const keys: TransactionAction[] = [];
    for await (const row of rows)
      keys.push(['delete', { partitionKey: row.partitionKey!, rowKey: row.rowKey! }]);
    for (let i = 0; i < keys.length; i += 100) await client.submitTransaction(keys.slice(i, i + 100));
  }

  async markDeregistered(ref: BatchRef, chunkNo: number, index: number, at: string): Promise<void> {
    await (
      await this.table()
    ).upsertEntity(
      {
        partitionKey: partitionKey(ref, chunkNo),
        rowKey: deregisteredKey(index),
        deregisteredAt: at,
      },
      'Replace',
    );
  }
}

/** The result's fields only (the schema's, see deviceOutcome.ts): a deregistration is kept in a row of its own. */
function stored(o: DeviceOutcome): Partial<DeviceOutcome> {
  return Object.fromEntries(STORED_OUTCOME_FIELDS.map((field) => [field, o[field]]));
}

/** Rows in index order, cut into transactions within Azure's entity count and size limits. */
function transactions(rows: readonly { chars: number; entity: TableEntity }[]): TableEntity[][] {
  const groups: TableEntity[][] = [];
  let current: TableEntity[] = [];
  let chars = 0;
  for (const row of rows) {
    if (current.length === 100 || (current.length > 0 && chars + row.chars > MAX_TRANSACTION_CHARS)) {
      groups.push(current);
      current = [];
      chars = 0;
    }
    current.push(row.entity);
    chars += row.chars;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
