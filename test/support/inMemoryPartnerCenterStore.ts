import type {
  PartnerCenterStore,
  PcBatchRecord,
  PcUploadRecord,
  StoredAnswer,
} from '../../shared/application/partnerCenter/partnerCenterStore';
import { VersionConflict } from '../../shared/application/ports/versioned';

/** The Partner Center store with the table adapter's semantics: keyed inserts, first record stands. */
export class InMemoryPartnerCenterStore implements PartnerCenterStore {
  readonly batches = new Map<string, PcBatchRecord>();
  readonly uploads = new Map<string, PcUploadRecord>();
  readonly answers = new Map<string, StoredAnswer>();

  createBatch(batch: PcBatchRecord): Promise<void> {
    const key = `${batch.partnerId}|${batch.tenantId}|${batch.nameKey}`;
    if (this.batches.has(key)) return Promise.reject(new VersionConflict('batch'));
    this.batches.set(key, { ...batch });
    return Promise.resolve();
  }

  getBatch(tenantId: string, partnerId: string, nameKey: string): Promise<PcBatchRecord | undefined> {
    const found = this.batches.get(`${partnerId}|${tenantId}|${nameKey}`);
    return Promise.resolve(found && { ...found });
  }

  listBatches(tenantId: string, partnerId: string): Promise<PcBatchRecord[]> {
    return Promise.resolve(
      [...this.batches.values()]
        .filter((b) => b.tenantId === tenantId && b.partnerId === partnerId)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    );
  }

  addUpload(upload: PcUploadRecord): Promise<void> {
    const key = `${upload.partnerId}|${upload.tenantId}|${upload.nameKey}|${upload.trackingId}`;
    if (!this.uploads.has(key)) this.uploads.set(key, { ...upload });
    return Promise.resolve();
  }

  listUploads(tenantId: string, partnerId: string, nameKey: string): Promise<PcUploadRecord[]> {
    return Promise.resolve(
      [...this.uploads.values()]
        .filter((u) => u.tenantId === tenantId && u.partnerId === partnerId && u.nameKey === nameKey)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.trackingId.localeCompare(b.trackingId)),
    );
  }

  getAnswer(partnerId: string, requestId: string): Promise<StoredAnswer | undefined> {
    return Promise.resolve(this.answers.get(`${partnerId}|${requestId}`));
  }

  putAnswer(partnerId: string, requestId: string, answer: StoredAnswer): Promise<void> {
    const key = `${partnerId}|${requestId}`;
    if (!this.answers.has(key)) this.answers.set(key, answer);
    return Promise.resolve();
  }
}
