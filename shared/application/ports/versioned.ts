/** An entity read together with the version (ETag) that a conditional write must name. */
export interface Versioned<T> {
  readonly value: T;
  readonly version: string;
}

/** A conditional write lost a race: the entity changed, or already exists, since it was read. */
export class VersionConflict extends Error {
  constructor(what: string) {
    super(`${what} changed concurrently`);
    this.name = 'VersionConflict';
  }
}
