import { batchInstanceId, type BatchRef } from '../../../shared/domain/batches/deviceBatch';

/** Each batch has its own durable instance: the ID must tell every (tenant, partner, batchId) apart. */
const TENANT = '0f3c2a9e-7b1d-4c55-8e21-5a9d3b7c4e10';

/** Reads an ID back into its parts: possible only because every part but the last carries its length. */
function parse(id: string): BatchRef | undefined {
  const match = /^batch-(\d+)-/.exec(id);
  if (!match) return undefined;
  let rest = id.slice(match[0].length);
  const tenantId = rest.slice(0, Number(match[1]));
  rest = rest.slice(tenantId.length);
  const partner = /^-(\d+)-/.exec(rest);
  if (!partner) return undefined;
  rest = rest.slice(partner[0].length);
  const partnerId = rest.slice(0, Number(partner[1]));
  rest = rest.slice(partnerId.length);
  if (!rest.startsWith('-')) return undefined;
  return { tenantId, partnerId, batchId: rest.slice(1) };
}

describe('batchInstanceId', () => {
  it('when partner contoso sends batch direct-b1 and partner contoso-direct sends batch b1 for the same tenant, then their instances differ', () => {
    const a = batchInstanceId({ tenantId: TENANT, partnerId: 'contoso', batchId: 'direct-b1' });
    const b = batchInstanceId({ tenantId: TENANT, partnerId: 'contoso-direct', batchId: 'b1' });
    expect(a).not.toBe(b);
  });

  it('when refs whose hyphen-joined parts read the same are composed, then each ID reads back as its own ref', () => {
    const refs: BatchRef[] = [
      { tenantId: TENANT, partnerId: 'contoso', batchId: 'direct-b1' },
      { tenantId: TENANT, partnerId: 'contoso-direct', batchId: 'b1' },
      { tenantId: TENANT, partnerId: 'a', batchId: '1-a-1' },
      { tenantId: TENANT, partnerId: 'a-1', batchId: 'a-1' },
      { tenantId: TENANT, partnerId: '1-a', batchId: '1' },
      { tenantId: `${TENANT}-7`, partnerId: 'p', batchId: 'b' },
      { tenantId: TENANT, partnerId: '7-p', batchId: 'b' },
    ];
    const ids = refs.map(batchInstanceId);
    expect(new Set(ids).size).toBe(refs.length);
    expect(ids.map(parse)).toEqual(refs);
  });

  it('when the parts are within their schemas, then the ID is a valid durable instance ID (no /, \\, #, ? or control characters)', () => {
    const id = batchInstanceId({
      tenantId: TENANT,
      partnerId: 'contoso-direct',
      batchId: 'Batch_2025.03-01',
    });
    expect(id).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(id).toBe(`batch-36-${TENANT}-14-contoso-direct-Batch_2025.03-01`);
  });
});
