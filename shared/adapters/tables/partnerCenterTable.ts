import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import type {
  PartnerCenterStore,
  PcBatchRecord,
  PcUploadRecord,
  StoredAnswer,
} from '../../application/partnerCenter/partnerCenterStore';
import { VersionConflict } from '../../application/ports/versioned';
import { getEntityOrUndefined, insertEntity } from './conditionalWrites';

/**
 * The Partner Center surface's records, in one table:
 * - partition `<partnerId>|<tenantId>`: a row `b|<nameKey>` per named batch, and a row
 *   `u|<nameKey>|<trackingId>` per upload of it (a batch's uploads are one range query);
 * - partition `answers|<partnerId>`: a row per MS-RequestId with the first answer to that POST.
 * A partner's batches for one tenant are few rows, read together; no partition grows with devices.
 */
const batchPartition = (partnerId: string, tenantId: string) => `${partnerId}|${tenantId}`;
const answerPartition = (partnerId: string) => `answers|${partnerId}`;
const batchRow = (nameKey: string) => `b|${nameKey}`;
const uploadPrefix = (nameKey: string) => `u|${nameKey}|`;
// Table keys may not hold / \ # ? or control characters; a request ID is the client's own text.
const answerRow = (requestId: string) => encodeURIComponent(requestId).replace(/%/g, '$');

interface BatchRow {
  readonly name: string;
  readonly createdAt: string;
  readonly creationTrackingId: string;
  readonly creationFingerprint: string;
}

interface UploadRow {
  readonly trackingId: string;
  readonly createdAt: string;
  readonly total: number;
}

interface AnswerRow {
  readonly requestHash: string;
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

export class PartnerCenterTable implements PartnerCenterStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async createBatch(batch: PcBatchRecord): Promise<void> {
    const row: BatchRow = {
      name: batch.name,
      createdAt: batch.createdAt,
      creationTrackingId: batch.creationTrackingId,
      creationFingerprint: batch.creationFingerprint,
    };
    await insertEntity(
      await this.table(),
      {
        partitionKey: batchPartition(batch.partnerId, batch.tenantId),
        rowKey: batchRow(batch.nameKey),
        ...row,
      },
      'Device batch',
    );
  }

  async getBatch(tenantId: string, partnerId: string, nameKey: string): Promise<PcBatchRecord | undefined> {
    const row = await getEntityOrUndefined<BatchRow>(
      await this.table(),
      batchPartition(partnerId, tenantId),
      batchRow(nameKey),
    );
    return row && toBatch(tenantId, partnerId, nameKey, row);
  }

  async listBatches(tenantId: string, partnerId: string): Promise<PcBatchRecord[]> {
    const client = await this.table();
    const rows = client.listEntities<BatchRow>({
      queryOptions: {
        filter: odata`PartitionKey eq ${batchPartition(partnerId, tenantId)} and RowKey ge ${'b|'} and RowKey lt ${'b}'}`,
      },
    });
    const batches: PcBatchRecord[] = [];
    for await (const row of rows)
      batches.push(toBatch(tenantId, partnerId, String(row.rowKey).slice(2), row));
    return batches.sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.nameKey.localeCompare(b.nameKey),
    );
  }

  async addUpload(upload: PcUploadRecord): Promise<void> {
    const row: UploadRow = {
      trackingId: upload.trackingId,
      createdAt: upload.createdAt,
      total: upload.total,
    };
    try {
      await insertEntity(
        await this.table(),
        {
          partitionKey: batchPartition(upload.partnerId, upload.tenantId),
          rowKey: `${uploadPrefix(upload.nameKey)}${upload.trackingId}`,
          ...row,
        },
        'Upload',
      );
    } catch (error) {
      // A retried upload: its first record stands.
      if (!(error instanceof VersionConflict)) throw error;
    }
  }

  async listUploads(tenantId: string, partnerId: string, nameKey: string): Promise<PcUploadRecord[]> {
    const client = await this.table();
    const prefix = uploadPrefix(nameKey);
    const rows = client.listEntities<UploadRow>({
      queryOptions: {
        filter: odata`PartitionKey eq ${batchPartition(partnerId, tenantId)} and RowKey gt ${prefix} and RowKey lt ${`${prefix}~`}`,
      },
    });
    const uploads: PcUploadRecord[] = [];
    for await (const row of rows) {
      uploads.push({
        tenantId,
        partnerId,
        nameKey,
        trackingId: row.trackingId,
        createdAt: row.createdAt,
        total: row.total,
      });
    }
    return uploads.sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.trackingId.localeCompare(b.trackingId),
    );
  }

  async getAnswer(partnerId: string, requestId: string): Promise<StoredAnswer | undefined> {
    const row = await getEntityOrUndefined<AnswerRow>(
      await this.table(),
      answerPartition(partnerId),
      answerRow(requestId),
    );
    if (!row) return undefined;
    return {
      requestHash: row.requestHash,
      status: row.status,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body,
    };
  }

  async putAnswer(partnerId: string, requestId: string, answer: StoredAnswer): Promise<void> {
    const row: AnswerRow = {
      requestHash: answer.requestHash,
      status: answer.status,
      headers: JSON.stringify(answer.headers),
      body: answer.body,
    };
    try {
      await insertEntity(
        await this.table(),
        { partitionKey: answerPartition(partnerId), rowKey: answerRow(requestId), ...row },
        'Answer',
      );
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
    }
  }
}

function toBatch(tenantId: string, partnerId: string, nameKey: string, row: BatchRow): PcBatchRecord {
  return {
    tenantId,
    partnerId,
    nameKey,
    name: row.name,
    createdAt: row.createdAt,
    creationTrackingId: row.creationTrackingId,
    creationFingerprint: row.creationFingerprint,
  };
}
