import type { Relationship } from '../../domain/relationships/relationship';
import type { Versioned } from './versioned';

export interface RelationshipRepository {
  get(partnerId: string, tenantId: string): Promise<Versioned<Relationship> | undefined>;
  /** Keyed insert: throws VersionConflict when the relationship already exists. */
  create(relationship: Relationship): Promise<void>;
  /** Throws VersionConflict when the relationship changed since `version`. */
  replace(relationship: Relationship, version: string): Promise<void>;
  listByPartner(partnerId: string): Promise<Relationship[]>;
  listByTenant(tenantId: string): Promise<Relationship[]>;
}
