import { odata } from '@azure/data-tables';
import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import type { DeviceOutcomeStore } from '../../application/ports/batchRepository';
import type { BatchRef } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../domain/batches/stagedDevice';
import { isConflict } from './tableErrors';

/**
 * One row per device of a batch: PartitionKey = batch + chunk number + block of 100 device indexes,
 * RowKey = the device's index. A block is one transaction, a chunk is read by a range of partitions, and
 * a batch reads back in submission order. Small partitions spread a batch's writes (Table storage's
 * per-partition rate) and keep inserts cheap in Azurite, whose cost per insert grows with the partition.
 */
const BLOCK = 100;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const chunkPrefix = (ref: BatchRef, chunkNo: number) =>
  `${ref.tenantId}|${ref.partnerId}|${ref.batchId}|${pad(chunkNo, 5)}`;
const partitionKey = (ref: BatchRef, chunkNo: number, index: number) =>
  `${chunkPrefix(ref, chunkNo)}-${pad(Math.floor(index / BLOCK), 4)}`;

type OutcomeRow = Omit<DeviceOutcome, 'index'> & { deregisteredAt?: string };

export class DeviceOutcomeTable implements DeviceOutcomeStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  /** Inserts, the cheapest write; a block already there (a retried chunk) is overwritten instead. */
  async writeChunk(ref: BatchRef, chunkNo: number, outcomes: readonly DeviceOutcome[]): Promise<void> {
    const client = await this.table();
    const blocks = new Map<string, TableEntity[]>();
    for (const { index, ...rest } of outcomes) {
      const pk = partitionKey(ref, chunkNo, index);
      blocks.set(pk, [
        ...(blocks.get(pk) ?? []),
        { partitionKey: pk, rowKey: pad(index, 6), ...withoutNulls(rest) },
      ]);
    }
    await Promise.all(
      [...blocks.values()].map(async (entities) => {
        try {
          await client.submitTransaction(entities.map((e): TransactionAction => ['create', e]));
        } catch (error) {
          if (!isConflict(error)) throw error;
          await client.submitTransaction(entities.map((e): TransactionAction => ['upsert', e, 'Replace']));
        }
      }),
    );
  }

  async readChunk(ref: BatchRef, chunkNo: number): Promise<DeviceOutcome[]> {
    const prefix = chunkPrefix(ref, chunkNo);
    const rows = (await this.table()).listEntities<Partial<OutcomeRow>>({
      queryOptions: { filter: odata`PartitionKey gt ${`${prefix}-`} and PartitionKey lt ${`${prefix}.`}` },
    });
    const outcomes: DeviceOutcome[] = [];
    for await (const row of rows) {
      outcomes.push({
        index: Number(row.rowKey),
        deviceId: row.deviceId ?? null,
        serialNumber: row.serialNumber ?? null,
        productKey: row.productKey ?? null,
        manufacturer: row.manufacturer ?? null,
        model: row.model ?? null,
        groupTag: row.groupTag ?? null,
        status: row.status ?? 'pending',
        errorCode: row.errorCode ?? null,
        errorNumber: row.errorNumber ?? null,
        errorDescription: row.errorDescription ?? null,
      });
    }
    return outcomes;
  }

  async markDeregistered(ref: BatchRef, chunkNo: number, index: number): Promise<void> {
    await (
      await this.table()
    ).updateEntity(
      {
        partitionKey: partitionKey(ref, chunkNo, index),
        rowKey: pad(index, 6),
        deregisteredAt: new Date().toISOString(),
      },
      'Merge',
    );
  }
}

function withoutNulls(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}
