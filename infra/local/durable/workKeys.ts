/**
 * Work items of many instances, keyed by (instance id, message id). Kept per instance rather than as
 * joined `instance|message` strings: an instance id may itself contain the separator, and dropping an
 * instance's work must not touch another instance whose id merely starts the same way.
 */
export class WorkKeys<V = true> {
  readonly #byInstance = new Map<string, Map<string, V>>();

  set(instanceId: string, id: string, value: V): void {
    const items = this.#byInstance.get(instanceId) ?? new Map<string, V>();
    items.set(id, value);
    this.#byInstance.set(instanceId, items);
  }

  get(instanceId: string, id: string): V | undefined {
    return this.#byInstance.get(instanceId)?.get(id);
  }

  has(instanceId: string, id: string): boolean {
    return this.#byInstance.get(instanceId)?.has(id) ?? false;
  }

  /** Removes one item; returns what it held. */
  delete(instanceId: string, id: string): V | undefined {
    const items = this.#byInstance.get(instanceId);
    const value = items?.get(id);
    items?.delete(id);
    if (items?.size === 0) this.#byInstance.delete(instanceId);
    return value;
  }

  /** Removes every item of an instance; returns them. */
  deleteInstance(instanceId: string): [string, V][] {
    const items = this.#byInstance.get(instanceId);
    this.#byInstance.delete(instanceId);
    return items ? [...items] : [];
  }

  idsOf(instanceId: string): string[] {
    return [...(this.#byInstance.get(instanceId)?.keys() ?? [])];
  }

  values(): V[] {
    return [...this.#byInstance.values()].flatMap((items) => [...items.values()]);
  }

  clear(): void {
    this.#byInstance.clear();
  }
}
