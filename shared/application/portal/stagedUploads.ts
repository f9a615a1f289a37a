/**
 * A CSV file the portal has read and validated, kept between "check" and "confirm" so that the partner
 * does not upload it twice. It is keyed by a hash of the partner, the tenant and the file's bytes, so
 * checking the same file again finds the same upload; it expires after a day.
 */
export interface StagedUpload {
  readonly partnerId: string;
  /** Hex SHA-256 of partnerId, tenantId and the file's bytes. */
  readonly uploadId: string;
  readonly tenantId: string;
  readonly fileName: string;
  readonly bytes: Buffer;
  readonly stagedAt: string;
  readonly expiresAt: string;
}

export interface StagedUploadStore {
  /** Writes the upload; writing the same upload again replaces it (a newer stagedAt). */
  put(upload: StagedUpload): Promise<void>;
  /** The upload as written, or undefined when it was never written completely or was removed. */
  get(partnerId: string, uploadId: string): Promise<StagedUpload | undefined>;
  remove(partnerId: string, uploadId: string): Promise<void>;
  /** Removes this partner's uploads that expired before `now`; answers how many it removed. */
  purgeExpired(partnerId: string, now: Date): Promise<number>;
}
