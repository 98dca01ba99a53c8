/**
 * A bounded least-recently-used map (a JS Map keeps insertion order: re-inserting on a hit moves the
 * key to the back, so the first key is the oldest). Evictions are reported to a callback for counting.
 */
export interface Lru<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  clear(): void;
  readonly size: number;
}

/**
 * @param max bound on entries (at least 1); past it the least recently used entry is evicted
 * @param onEvict called once per eviction (e.g. to increment a counter)
 */
export function createLru<K, V>(max: number, onEvict?: () => void): Lru<K, V> {
  const bound = Math.max(1, Math.floor(max));
  const map = new Map<K, V>();
  return {
    get(key) {
      const v = map.get(key);
      if (v === undefined) return undefined;
      map.delete(key);
      map.set(key, v);
      return v;
    },
    set(key, value) {
      if (map.has(key)) map.delete(key);
      else if (map.size >= bound) {
        const oldest = map.keys().next();
        if (!oldest.done) map.delete(oldest.value);
        onEvict?.();
      }
      map.set(key, value);
    },
    clear() {
      map.clear();
    },
    get size() {
      return map.size;
    },
  };
}
