import type { Partner } from '../../domain/partners/partner';

export interface PartnerDirectory {
  get(partnerId: string): Promise<Partner | undefined>;
  byHomeTenant(tenantId: string): Promise<Partner | undefined>;
  all(): Promise<readonly Partner[]>;
}
