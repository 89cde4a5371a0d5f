/**
 * One kind of record as the PostgreSQL driver caches it: frozen records by
 * key, with the revision each was read at, and the frozen list readers get
 * (rebuilt only when read after a change). A version is applied only when
 * it is newer than the one held, so a notification read late, or this
 * instance's own write applied after another instance's newer one, never
 * puts an older version back. A deleted key keeps its revision (a
 * tombstone), so an older version read before the delete is not revived.
 */
export class Collection<T> {
  readonly #rows = new Map<string, T>();
  readonly #revs = new Map<string, number>();
  #list: readonly T[] | undefined;
  /** Called with the old and new value of every change applied (indexes follow it). */
  readonly #changed: ((old: T | undefined, next: T | undefined) => void) | undefined;

  constructor(changed?: (old: T | undefined, next: T | undefined) => void) {
    this.#changed = changed;
  }

  get(key: string): T | undefined {
    return this.#rows.get(key);
  }
  has(key: string): boolean {
    return this.#rows.has(key);
  }
  /** The revision held for a key (a record's or a delete's); -1 when none. */
  rev(key: string): number {
    return this.#revs.get(key) ?? -1;
  }
  get size(): number {
    return this.#rows.size;
  }

  /** Every record, in the order they were made; frozen, the same array until something changes. */
  get list(): readonly T[] {
    this.#list ??= Object.freeze([...this.#rows.values()]);
    return this.#list;
  }

  /** Applies a version (undefined: deleted) read at `rev`; false when an equal or newer one is held. */
  apply(key: string, rev: number, value: T | undefined): boolean {
    if (rev <= this.rev(key)) return false;
    this.#revs.set(key, rev);
    const old = this.#rows.get(key);
    if (value === undefined) {
      if (old === undefined) return false;
      this.#rows.delete(key);
    } else {
      this.#rows.set(key, value);
    }
    this.#list = undefined;
    this.#changed?.(old, value);
    return true;
  }

  /** Replaces everything with `rows` (key, revision, record), in their order: a full reload. */
  reset(rows: Iterable<[string, number, T]>): void {
    for (const [, v] of this.#rows) this.#changed?.(v, undefined);
    this.#rows.clear();
    this.#revs.clear();
    for (const [k, rev, v] of rows) {
      this.#rows.set(k, v);
      this.#revs.set(k, rev);
      this.#changed?.(undefined, v);
    }
    this.#list = undefined;
  }
}
