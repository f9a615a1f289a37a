/**
 * The global device index: every identity key of every registered device, across all tenants, so that
 * one physical device is registered to at most one tenant whichever identifier is used.
 */
export interface DeviceOwner {
  readonly tenantId: string;
  readonly partnerId: string;
  readonly batchId: string;
  readonly index: number;
  readonly chunkNo: number;
  readonly deviceId: string;
  readonly keys: readonly string[];
  readonly registeredAt: string;
}

export type ClaimResult =
  { readonly claimed: true } | { readonly claimed: false; readonly owner: DeviceOwner };

export interface DeviceClaim {
  readonly keys: readonly string[];
  readonly owner: DeviceOwner;
}

export interface DeviceRegistry {
  /**
   * Claims every key of each device for its owner. A device gets all its keys or none: keys are taken
   * in sorted order and given back when one is held by someone else, so of two claims racing for the
   * same device exactly one wins. A key already held by the same owner (a retried claim) counts as won.
   */
  claim(claims: readonly DeviceClaim[]): Promise<ClaimResult[]>;
  /** The owner of a key, if any. */
  find(key: string): Promise<DeviceOwner | undefined>;
  findMany(keys: readonly string[]): Promise<Map<string, DeviceOwner>>;
  /** Frees every key of a device (deregistration). */
  release(owner: DeviceOwner): Promise<void>;
}

export const sameOwner = (a: DeviceOwner, b: DeviceOwner): boolean =>
  a.tenantId === b.tenantId && a.partnerId === b.partnerId && a.batchId === b.batchId && a.index === b.index;
