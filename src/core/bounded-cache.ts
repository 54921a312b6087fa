// A Map with a size limit, for the server's caches of derived work (token counts, rendered templates,
// remembered outcomes): whatever a client sends, a cache holds at most `limit` entries.

/**
 * Eviction rule: first in, first out. When a new key would pass the limit, the oldest key (the first
 * in the Map's insertion order) is dropped; a hit moves nothing. So a lookup costs one Map lookup and
 * no bookkeeping (these caches sit on the hot path, where an LRU's reordering on each hit would cost
 * more than it saves), and a working set that outgrows the limit loses its oldest entries one at a
 * time instead of all at once. Setting a key that is present replaces its value in place.
 *
 * @example
 * const counts = new BoundedCache<string, number>(20_000);
 * let count = counts.get(text);
 * if (count === undefined) counts.set(text, (count = countTokens(text)));
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`BoundedCache limit must be an integer >= 1, got ${String(limit)}`);
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Keeps `value` under `key`, dropping the oldest entry first when the cache is full and `key` is new. */
  set(key: K, value: V): void {
    const { entries } = this;
    if (entries.size >= this.limit && !entries.has(key)) entries.delete(entries.keys().next().value as K);
    entries.set(key, value);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
