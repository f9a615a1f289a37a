import { gunzipSync, gzipSync } from 'node:zlib';
import { odata } from '@azure/data-tables';
import type { TableClient, TableEntity } from '@azure/data-tables';
import type { StagedUpload, StagedUploadStore } from '../../application/portal/stagedUploads';
import { getEntityOrUndefined } from './conditionalWrites';
import { isNotFound } from './tableErrors';

/**
 * Staged portal uploads: one partition per upload (`partnerId|uploadId`), the gzipped file split over
 * binary properties of `part-NNNNN` rows (a property holds at most 64 KiB, an entity at most 1 MiB), and a
 * `meta` row written last. An upload whose `meta` row is missing was never completely written and is not
 * found, so a crash mid-write leaves nothing readable behind.
 */
const PROPERTY_BYTES = 60_000;
// 600 KB a row: binary travels as base64 (4/3 larger), and the 1 MiB limit is checked on that.
const PROPERTIES_PER_ROW = 10;
const ROW_BYTES = PROPERTY_BYTES * PROPERTIES_PER_ROW;
const META = 'meta';
const PARALLEL_WRITES = 4;

interface MetaRow {
  readonly tenantId: string;
  readonly fileName: string;
  readonly stagedAt: string;
  readonly expiresAt: string;
  readonly parts: number;
}

const partitionKey = (partnerId: string, uploadId: string) => `${partnerId}|${uploadId}`;
const partKey = (part: number) => `part-${String(part).padStart(5, '0')}`;

export class StagedUploadTable implements StagedUploadStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async put(upload: StagedUpload): Promise<void> {
    const client = await this.table();
    const pk = partitionKey(upload.partnerId, upload.uploadId);
    const packed = gzipSync(upload.bytes);
    const rows: TableEntity<Record<string, unknown>>[] = [];
    for (let offset = 0, part = 0; offset < packed.length || part === 0; offset += ROW_BYTES, part++) {
      const row: TableEntity<Record<string, unknown>> = { partitionKey: pk, rowKey: partKey(part) };
      const slice = packed.subarray(offset, offset + ROW_BYTES);
      for (let p = 0; p * PROPERTY_BYTES < slice.length; p++) {
        row[`b${p}`] = new Uint8Array(slice.subarray(p * PROPERTY_BYTES, (p + 1) * PROPERTY_BYTES));
      }
      rows.push(row);
    }
    // Upserts: the same file staged again writes the same parts.
    for (let i = 0; i < rows.length; i += PARALLEL_WRITES) {
      await Promise.all(rows.slice(i, i + PARALLEL_WRITES).map((row) => client.upsertEntity(row, 'Replace')));
    }
    const meta: MetaRow = {
      tenantId: upload.tenantId,
      fileName: upload.fileName,
      stagedAt: upload.stagedAt,
      expiresAt: upload.expiresAt,
      parts: rows.length,
    };
    await client.upsertEntity({ partitionKey: pk, rowKey: META, ...meta }, 'Replace');
  }

  async get(partnerId: string, uploadId: string): Promise<StagedUpload | undefined> {
    const client = await this.table();
    const pk = partitionKey(partnerId, uploadId);
    const meta = await getEntityOrUndefined<MetaRow>(client, pk, META);
    if (!meta) return undefined;
    const parts: { rowKey: string; bytes: Buffer }[] = [];
    const rows = client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: odata`PartitionKey eq ${pk} and RowKey ge ${'part-'} and RowKey lt ${'part.'}`,
      },
    });
    for await (const row of rows) {
      const chunks: Buffer[] = [];
      for (let p = 0; row[`b${p}`] instanceof Uint8Array; p++)
        chunks.push(Buffer.from(row[`b${p}`] as Uint8Array));
      parts.push({ rowKey: String(row.rowKey), bytes: Buffer.concat(chunks) });
    }
    if (parts.length !== meta.parts) return undefined;
    parts.sort((a, b) => a.rowKey.localeCompare(b.rowKey));
    return {
      partnerId,
      uploadId,
      tenantId: meta.tenantId,
      fileName: meta.fileName,
      stagedAt: meta.stagedAt,
      expiresAt: meta.expiresAt,
      bytes: gunzipSync(Buffer.concat(parts.map((p) => p.bytes))),
    };
  }

  async remove(partnerId: string, uploadId: string): Promise<void> {
    const client = await this.table();
    const pk = partitionKey(partnerId, uploadId);
    // The meta row first: from then on the upload is not found, whatever parts are left.
    await client.deleteEntity(pk, META).catch(ignoreNotFound);
    const rows = client.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ['RowKey'] },
    });
    for await (const row of rows) await client.deleteEntity(pk, String(row.rowKey)).catch(ignoreNotFound);
  }

  async purgeExpired(partnerId: string, now: Date): Promise<number> {
    const client = await this.table();
    const expired = client.listEntities<MetaRow>({
      queryOptions: {
        filter: odata`PartitionKey gt ${`${partnerId}|`} and PartitionKey lt ${`${partnerId}}`} and RowKey eq ${META} and expiresAt lt ${now.toISOString()}`,
      },
    });
    const uploadIds: string[] = [];
    for await (const row of expired) uploadIds.push(String(row.partitionKey).slice(partnerId.length + 1));
    for (const uploadId of uploadIds) await this.remove(partnerId, uploadId);
    return uploadIds.length;
  }
}

function ignoreNotFound(error: unknown): void {
  if (!isNotFound(error)) throw error;
}
