import { odata } from '@azure/data-tables';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { DeviceOutcomeStore } from '../../application/ports/batchRepository';
import type { BatchRef } from '../../domain/batches/deviceBatch';
import type { DeviceOutcome } from '../../domain/batches/stagedDevice';

/**
 * One row per device of a batch: PartitionKey = batch + chunk number, RowKey = the device's index, so
 * a chunk is written in transactions of 100 and a batch reads back in submission order. A batch's
 * partitions spread its writes, which keeps each partition within Table storage's per-partition rate.
 */
const TRANSACTION_SIZE = 100;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const partitionKey = (ref: BatchRef, chunkNo: number) =>
  `${ref.tenantId}|${ref.partnerId}|${ref.batchId}|${pad(chunkNo, 5)}`;

type OutcomeRow = Omit<DeviceOutcome, 'index'> & { deregisteredAt?: string };

export class DeviceOutcomeTable implements DeviceOutcomeStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async writeChunk(ref: BatchRef, chunkNo: number, outcomes: readonly DeviceOutcome[]): Promise<void> {
    const client = await this.table();
    const pk = partitionKey(ref, chunkNo);
    const transactions: TransactionAction[][] = [];
    outcomes.forEach((outcome, i) => {
      const { index, ...rest } = outcome;
      const entity = { partitionKey: pk, rowKey: pad(index, 6), ...withoutNulls(rest) };
      (transactions[Math.floor(i / TRANSACTION_SIZE)] ??= []).push(['upsert', entity, 'Replace']);
    });
    await Promise.all(transactions.map((actions) => client.submitTransaction(actions)));
  }

  async readChunk(ref: BatchRef, chunkNo: number): Promise<DeviceOutcome[]> {
    const rows = (await this.table()).listEntities<Partial<OutcomeRow>>({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey(ref, chunkNo)}` },
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
        partitionKey: partitionKey(ref, chunkNo),
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
