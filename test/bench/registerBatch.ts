import type { ApiClient } from '../support/apiClient';
import type { BenchHost, Json } from './benchContext';
import { generateDevices } from './deviceGenerators';
import { now, poll } from './measure';

const FINAL = new Set(['finished', 'finished_with_errors', 'canceled', 'expired']);

/**
 * One batch through the public API, POST to a final status (polled every 100 ms); fails unless every
 * device registered. The POST's own time is returned beside the batch's last status.
 */
export async function registerBatch(
  api: ApiClient,
  partner: string,
  tenantId: string,
  batchId: string,
  devices: Record<string, string>[],
): Promise<{ submitSeconds: number; batch: Json }> {
  const start = now();
  const res = await api.request<Json>('POST', `/api/v1/customers/${tenantId}/deviceBatches`, {
    token: partner,
    json: { batchId, devices },
  });
  if (res.status !== 202) throw new Error(`submit ${batchId}: ${res.status} ${res.text.slice(0, 300)}`);
  const submitSeconds = (now() - start) / 1000;
  const batch = await poll(
    async () =>
      (
        await api.request<Json>('GET', `/api/v1/customers/${tenantId}/deviceBatches/${batchId}`, {
          token: partner,
        })
      ).body,
    (b) => FINAL.has(b.status as string),
    60 * 60_000,
    100,
  );
  if (batch.status !== 'finished' || batch.registered !== devices.length)
    throw new Error(`batch ${batchId} ended ${JSON.stringify(batch)}`);
  return { submitSeconds, batch };
}

/**
 * A first small batch on a fresh host, before anything is measured: the durable thread loads the app
 * on its first call and the code is not yet optimised, which made a fresh host's first batch run at
 * about half the rate of its next.
 */
export async function warmUp({ api, partner, consentedTenant }: BenchHost, runId: number): Promise<void> {
  const { tenantId } = await consentedTenant();
  await registerBatch(api, partner, tenantId, 'warm-up', generateDevices(100, 'pkid', runId));
}
