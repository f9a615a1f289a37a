import type { Dependencies } from '../dependencies';
import type { BatchRepository, DeviceOutcomeStore, DeviceStaging } from '../ports/batchRepository';
import type { BatchWorkflow } from '../ports/batchWorkflow';
import type { DeviceRegistry } from '../ports/deviceRegistry';

/** What the device-batch use cases need beyond the consent ones. */
export interface BatchDependencies extends Dependencies {
  readonly batches: BatchRepository;
  readonly staging: DeviceStaging;
  readonly outcomes: DeviceOutcomeStore;
  readonly registry: DeviceRegistry;
  readonly workflow: BatchWorkflow;
  /** ISO 8601 duration a batch waits for consent before it expires. */
  readonly consentDeadline: string;
}

/** Devices per chunk: one registration activity, and the unit of staging and progress. */
export const CHUNK_SIZE = 4000;
