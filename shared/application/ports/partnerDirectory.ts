import type { Partner } from '../../domain/partners/partner';

export interface PartnerDirectory {
  get(partnerId: string): Promise<Partner | undefined>;
  /** Every partner whose home tenant this is (one, normally; see resolvePrincipal for more). */
  ofHomeTenant(tenantId: string): Promise<readonly Partner[]>;
  all(): Promise<readonly Partner[]>;
}
