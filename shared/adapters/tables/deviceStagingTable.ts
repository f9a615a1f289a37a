import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import type { DeviceStaging } from '../../application/ports/batchRepository';
import type { SubmissionRef } from '../../domain/batches/deviceBatch';
import type { StagedDevice } from '../../domain/batches/stagedDevice';
import { fromPackedProperties, MAX_PACKED_CHARS, toPackedProperties } from './packedText';
import { isNotFound } from './tableErrors';

/**
 * Submitted devices, packed: one row per part of a chunk, each row holding JSON lines split over string
 * properties (see packedText.ts). A 4,000-device chunk of product keys is one row; a chunk of real
 * hardware hashes (4,000 base64 characters each) about forty.
 *
 * One partition per submission: the batch and the SHA-256 of the body (the batch row's fingerprint).
 * Another body sent under the same batchId at the same time writes its own partition, so whichever
 * request's keyed insert of the batch row wins, the batch's devices are that request's, whole. None of
 * the parts holds a `|` (tenant GUID, partner ID, batchId pattern, hex).
 */
const partitionKey = (s: SubmissionRef) => `${s.tenantId}|${s.partnerId}|${s.batchId}|${s.fingerprint}`;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

export class DeviceStagingTable implements DeviceStaging {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async writeChunks(ref: SubmissionRef, chunks: readonly (readonly StagedDevice[])[]): Promise<void> {
    const client = await this.table();
    const rows = chunks.flatMap((chunk, chunkNo) =>
      pack(chunk).map((properties, part) => ({
        partitionKey: partitionKey(ref),
        rowKey: `${pad(chunkNo, 5)}-${pad(part, 4)}`,
        ...properties,
      })),
    );
    // Upserts: a retried submission (the same body, so the same partition) writes identical rows.
    for (let i = 0; i < rows.length; i += 8) {
      await Promise.all(rows.slice(i, i + 8).map((row) => client.upsertEntity(row, 'Replace')));
    }
  }

  async readChunk(ref: SubmissionRef, chunkNo: number): Promise<StagedDevice[]> {
    const prefix = `${pad(chunkNo, 5)}-`;
    const rows = (await this.table()).listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: odata`PartitionKey eq ${partitionKey(ref)} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`,
      },
    });
    const parts: { rowKey: string; text: string }[] = [];
    for await (const row of rows) parts.push({ rowKey: String(row.rowKey), text: fromPackedProperties(row) });
    parts.sort((a, b) => a.rowKey.localeCompare(b.rowKey));
    return parts.flatMap((part) =>
      part.text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as StagedDevice),
    );
  }

  async discard(ref: SubmissionRef): Promise<void> {
    const client = await this.table();
    const rows = client.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey(ref)}`, select: ['RowKey'] },
    });
    for await (const row of rows) {
      try {
        await client.deleteEntity(partitionKey(ref), row.rowKey!);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }
}

/** Packs devices into rows of properties p0..pN, never splitting a device across rows. */
function pack(devices: readonly StagedDevice[]): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  let text = '';
  const flush = () => {
    if (!text) return;
    rows.push(toPackedProperties(text));
    text = '';
  };
  for (const device of devices) {
    const line = `${JSON.stringify(device)}\n`;
    if (text.length + line.length > MAX_PACKED_CHARS) flush();
    text += line;
  }
  flush();
  return rows;
}
