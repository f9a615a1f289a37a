import type { Relationship } from '../../domain/relationships/relationship';
import type { Dependencies } from '../dependencies';
import { VersionConflict } from '../ports/versioned';

const MAX_ATTEMPTS = 8;

/**
 * Read-modify-write of one relationship under optimistic concurrency: a keyed insert when there is
 * none, an ETag-conditional replace otherwise, and a fresh read whenever another writer got there
 * first. `change` returns the relationship to store; returning the current one unchanged writes nothing.
 */
export async function updateRelationship(
  deps: Pick<Dependencies, 'relationships'>,
  partnerId: string,
  tenantId: string,
  change: (current: Relationship | undefined) => Relationship,
): Promise<Relationship> {
  for (let attempt = 1; ; attempt++) {
    const found = await deps.relationships.get(partnerId, tenantId);
    const next = change(found?.value);
    try {
      if (!found) await deps.relationships.create(next);
      else if (!sameRelationship(found.value, next)) await deps.relationships.replace(next, found.version);
      return next;
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

function sameRelationship(a: Relationship, b: Relationship): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with keys in a fixed order, so that a stored and a freshly built relationship compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
