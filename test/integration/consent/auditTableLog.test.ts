import { AuditTableLog } from '../../../shared/adapters/tables/auditTableLog';
import type { AuditEvent } from '../../../shared/domain/audit/auditEvent';
import { ownTables, rowsOf } from './tableFixture';

const TAILSPIN = '4f1c6a8e-2b7d-4c3a-9e51-7d2f0b9a6c13';
const WINGTIP = '9b3e7d21-5c4f-4a8b-b6e2-1f0d8c7a5e94';

let sequence = 0;
const event = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  id: `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
  at: '2025-03-01T10:00:00.000Z',
  type: 'ConsentAccepted',
  partnerId: 'contoso-direct',
  tenantId: TAILSPIN,
  actor: { kind: 'customer-user', id: 'admin@tailspin.onmicrosoft.com' },
  details: { invitationId: 'd3e0a1b2-c4d5-4e6f-8a9b-0c1d2e3f4a5b' },
  ...overrides,
});

describe('AuditTableLog (Azurite)', () => {
  const own = ownTables();
  const log = new AuditTableLog(own.table(own.names.audit));
  afterAll(() => own.dropAll());

  it("when an event is appended, then it is stored once in its partner's partition and once in its tenant's", async () => {
    const e = event({ partnerId: 'once-partner', tenantId: '11111111-0000-4000-8000-000000000001' });

    await log.append(e);

    expect(await rowsOf(own.tables, own.names.audit, 'partner|once-partner')).toHaveLength(1);
    expect(
      await rowsOf(own.tables, own.names.audit, 'tenant|11111111-0000-4000-8000-000000000001'),
    ).toHaveLength(1);
    expect(await log.list({ partnerId: 'once-partner' }, 10)).toEqual([e]);
  });

  it('when the same event is appended twice, then each partition still holds it once', async () => {
    const e = event({ partnerId: 'twice-partner', tenantId: '11111111-0000-4000-8000-000000000002' });

    await log.append(e);
    await log.append(e);

    expect(await rowsOf(own.tables, own.names.audit, 'partner|twice-partner')).toHaveLength(1);
    expect(
      await rowsOf(own.tables, own.names.audit, 'tenant|11111111-0000-4000-8000-000000000002'),
    ).toHaveLength(1);
  });

  it('when an event names only a partner, then it is stored only under the partner', async () => {
    const e = event({ type: 'InvitationCreated', partnerId: 'partner-only', tenantId: null });

    await log.append(e);

    expect(await log.list({ partnerId: 'partner-only' }, 10)).toEqual([e]);
    expect(await rowsOf(own.tables, own.names.audit, 'tenant|null')).toEqual([]);
  });

  it('when a partner lists its trail, then it sees its own events newest first, and no other partner’s', async () => {
    const oldest = event({
      partnerId: 'listing-partner',
      at: '2025-03-01T08:00:00.000Z',
      tenantId: TAILSPIN,
    });
    const newest = event({ partnerId: 'listing-partner', at: '2025-03-03T08:00:00.000Z', tenantId: WINGTIP });
    const middle = event({
      partnerId: 'listing-partner',
      at: '2025-03-02T08:00:00.000Z',
      tenantId: TAILSPIN,
    });
    const foreign = event({ partnerId: 'someone-else', at: '2025-03-04T08:00:00.000Z', tenantId: TAILSPIN });
    for (const e of [oldest, newest, middle, foreign]) await log.append(e);

    const listed = await log.list({ partnerId: 'listing-partner' }, 10);

    expect(listed.map((e) => e.id)).toEqual([newest.id, middle.id, oldest.id]);
  });

  it('when a tenant lists its trail, then it sees the events of every partner about it, newest first', async () => {
    const tenant = '11111111-0000-4000-8000-000000000003';
    const first = event({
      partnerId: 'northwind-reseller',
      tenantId: tenant,
      at: '2025-03-01T08:00:00.000Z',
    });
    const second = event({
      type: 'IndirectAuthorizationGranted',
      partnerId: 'fabrikam-distribution',
      tenantId: tenant,
      at: '2025-03-01T08:00:01.000Z',
    });
    const other = event({
      partnerId: 'northwind-reseller',
      tenantId: WINGTIP,
      at: '2025-03-05T08:00:00.000Z',
    });
    for (const e of [first, second, other]) await log.append(e);

    const listed = await log.list({ tenantId: tenant }, 10);

    expect(listed).toEqual([second, first]);
  });

  it('when fewer events are asked for than exist, then only the newest are returned', async () => {
    const events = [1, 2, 3, 4, 5].map((day) =>
      event({ partnerId: 'limited-partner', at: `2025-03-0${day}T00:00:00.000Z` }),
    );
    for (const e of events) await log.append(e);

    const listed = await log.list({ partnerId: 'limited-partner' }, 2);

    expect(listed.map((e) => e.at)).toEqual(['2025-03-05T00:00:00.000Z', '2025-03-04T00:00:00.000Z']);
  });

  it('when a trail is read a page at a time, then the pages hold every event once, newest first, and the last page says so', async () => {
    const events = [1, 2, 3, 4, 5, 6, 7].map((day) =>
      event({ partnerId: 'paged-partner', tenantId: null, at: `2025-04-0${day}T00:00:00.000Z` }),
    );
    for (const e of events) await log.append(e);

    const seen: string[] = [];
    const tokens: (string | null)[] = [];
    let token: string | undefined;
    do {
      const page = await log.page({ partnerId: 'paged-partner' }, 3, token);
      seen.push(...page.items.map((e) => e.at.slice(0, 10)));
      tokens.push(page.continuationToken);
      token = page.continuationToken ?? undefined;
    } while (token);

    expect(seen).toEqual([
      '2025-04-07',
      '2025-04-06',
      '2025-04-05',
      '2025-04-04',
      '2025-04-03',
      '2025-04-02',
      '2025-04-01',
    ]);
    expect(tokens.map((t) => t !== null)).toEqual([true, true, false]);
  });

  it('when exactly a page of events exists, then that page is the last', async () => {
    for (const day of [1, 2])
      await log.append(event({ partnerId: 'exact-partner', at: `2025-05-0${day}T00:00:00.000Z` }));

    expect((await log.page({ partnerId: 'exact-partner' }, 2)).continuationToken).toBeNull();
  });

  it.each([
    'not a token',
    'Zm9v',
    Buffer.from("0000000000000_x' or PartitionKey ne '").toString('base64url'),
  ])(
    'when the continuation token is %j (not one the log returned), then 400 InvalidContinuationToken',
    async (token) => {
      await expect(log.page({ partnerId: 'paged-partner' }, 3, token)).rejects.toMatchObject({
        kind: 'invalid',
        code: 'InvalidContinuationToken',
      });
    },
  );

  it('when the same fact is appended once-only many times, some at once, then the trail holds it once', async () => {
    const attempts = Array.from({ length: 12 }, (_, i) =>
      event({
        partnerId: 'once-only-partner',
        tenantId: '11111111-0000-4000-8000-000000000009',
        at: `2025-06-01T00:00:${String(i).padStart(2, '0')}.000Z`,
      }),
    );

    await Promise.all(attempts.slice(0, 6).map((e) => log.appendOnce(e, 'refusal|link-1|user-1')));
    for (const e of attempts.slice(6)) await log.appendOnce(e, 'refusal|link-1|user-1');
    await log.appendOnce(event({ partnerId: 'once-only-partner', tenantId: null }), 'refusal|link-1|user-2');

    expect(await rowsOf(own.tables, own.names.audit, 'partner|once-only-partner')).toHaveLength(2);
    expect(
      await rowsOf(own.tables, own.names.audit, 'tenant|11111111-0000-4000-8000-000000000009'),
    ).toHaveLength(1);
  });
});
