import type { Dependencies } from '../dependencies';

export type ConsentStatus = 'active' | 'none' | 'revoked';

/** Whether the partner may register devices for the tenant now. */
export async function consentStatus(
  deps: Pick<Dependencies, 'relationships'>,
  partnerId: string,
  tenantId: string,
): Promise<ConsentStatus> {
  const found = await deps.relationships.get(partnerId, tenantId);
  if (!found) return 'none';
  return found.value.status === 'active' ? 'active' : 'revoked';
}
