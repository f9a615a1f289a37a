import type { HttpResponseInit } from '@azure/functions';
import { replayOrRun } from '../../../shared/adapters/http/partnerCenterHandler';
import { InMemoryPartnerCenterStore } from '../../support/inMemoryPartnerCenterStore';

/** MS-RequestId as Partner Center's idempotency key: a retry of the same request answers as the first time. */
const request = (
  body: string,
  overrides: { path?: string; requestId?: string; partnerId?: string } = {},
) => ({
  partnerId: overrides.partnerId ?? 'contoso-direct',
  requestId: overrides.requestId ?? 'c245d5f2-1de3-4ae0-9e42-95e38e3cb8ff',
  method: 'POST',
  path: overrides.path ?? '/v1/customers/t/deviceBatches/b/devices',
  body: Buffer.from(body),
});

function counting(answers: HttpResponseInit[]) {
  let calls = 0;
  return {
    run: () => Promise.resolve(answers[Math.min(calls++, answers.length - 1)]!),
    calls: () => calls,
  };
}

const accepted = (n: number): HttpResponseInit => ({
  status: 202,
  headers: { location: `/customers/t/batchJobStatus/${n}` },
  body: '',
});

describe('replayOrRun', () => {
  it('when the same request comes again with the same ID, then it gets the first answer and does not run again', async () => {
    const store = new InMemoryPartnerCenterStore();
    const handler = counting([accepted(1), accepted(2)]);
    const first = await replayOrRun(store, request('[1]'), handler.run);
    const again = await replayOrRun(store, request('[1]'), handler.run);
    expect(again).toEqual(first);
    expect(handler.calls()).toBe(1);
  });

  it('when the ID comes with another body, another path or from another partner, then the request runs as new', async () => {
    const store = new InMemoryPartnerCenterStore();
    const handler = counting([accepted(1), accepted(2), accepted(3), accepted(4)]);
    await replayOrRun(store, request('[1]'), handler.run);
    expect(await replayOrRun(store, request('[2]'), handler.run)).toEqual(accepted(2));
    expect(
      await replayOrRun(store, request('[1]', { path: '/v1/customers/t/deviceBatches' }), handler.run),
    ).toEqual(accepted(3));
    expect(await replayOrRun(store, request('[1]', { partnerId: 'adatum-oem' }), handler.run)).toEqual(
      accepted(4),
    );
    // The ID still answers its own request as the first time.
    expect(await replayOrRun(store, request('[1]'), handler.run)).toEqual(accepted(1));
  });

  it('when the first answer was a refusal, then the retry gets the same refusal', async () => {
    const store = new InMemoryPartnerCenterStore();
    const refused: HttpResponseInit = {
      status: 409,
      headers: { 'content-type': 'application/json' },
      body: '{"code":"X"}',
    };
    const handler = counting([refused, accepted(2)]);
    await replayOrRun(store, request('[1]'), handler.run);
    expect(await replayOrRun(store, request('[1]'), handler.run)).toEqual(refused);
  });

  it('when the first answer was a server error, then it is not kept and the retry runs', async () => {
    const store = new InMemoryPartnerCenterStore();
    const handler = counting([{ status: 500, body: '{}' }, accepted(2)]);
    await replayOrRun(store, request('[1]'), handler.run);
    expect(await replayOrRun(store, request('[1]'), handler.run)).toEqual(accepted(2));
    expect(await replayOrRun(store, request('[1]'), handler.run)).toEqual(accepted(2));
    expect(handler.calls()).toBe(2);
  });
});
