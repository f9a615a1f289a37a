/**
 * What the Partner Center–compatible surface keeps beside the batches it runs on.
 *
 * A Partner Center batch is a name chosen by the partner that can grow over time: it is created with
 * devices, and devices are added to it later, each upload with its own tracking ID. This service's batches
 * are single submissions, so each upload is one of them (batchId `pc-<trackingId>`), and a Partner Center
 * batch is the named set of its uploads. Names match without case (PowerShell's New-PartnerCustomerDeviceBatch
 * compares them so), keyed by `batchNameKey`.
 */
export interface PcBatchRecord {
  readonly tenantId: string;
  readonly partnerId: string;
  readonly nameKey: string;
  /** The name as the partner first sent it. */
  readonly name: string;
  readonly createdAt: string;
  /** The upload that created the batch, and a fingerprint of its devices (a retried creation is the same one). */
  readonly creationTrackingId: string;
  readonly creationFingerprint: string;
}

export interface PcUploadRecord {
  readonly tenantId: string;
  readonly partnerId: string;
  readonly nameKey: string;
  readonly trackingId: string;
  readonly createdAt: string;
  readonly total: number;
}

/** The first answer to a POST, kept so that its retry (same MS-RequestId, same request) gets it again. */
export interface StoredAnswer {
  /** SHA-256 of the method, path and body: the same request ID on another request is not a retry. */
  readonly requestHash: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface PartnerCenterStore {
  /** Keyed insert: throws VersionConflict when a batch of that name exists for this partner and tenant. */
  createBatch(batch: PcBatchRecord): Promise<void>;
  getBatch(tenantId: string, partnerId: string, nameKey: string): Promise<PcBatchRecord | undefined>;
  /** The partner's batches for the tenant, oldest first. */
  listBatches(tenantId: string, partnerId: string): Promise<PcBatchRecord[]>;
  /** Records an upload of a batch; an upload already recorded (a retry) keeps its first record. */
  addUpload(upload: PcUploadRecord): Promise<void>;
  /** A batch's uploads in the order they were made (creation time, then tracking ID). */
  listUploads(tenantId: string, partnerId: string, nameKey: string): Promise<PcUploadRecord[]>;
  getAnswer(partnerId: string, requestId: string): Promise<StoredAnswer | undefined>;
  /** Keeps the first answer for a request ID: a second one for the same ID is dropped. */
  putAnswer(partnerId: string, requestId: string, answer: StoredAnswer): Promise<void>;
}
