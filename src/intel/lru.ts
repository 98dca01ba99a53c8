/**
 * A bounded cache with two generations (a "2Q-lite"): new entries go to the young map; when it holds
 * half the bound, the old generation is dropped whole (each dropped entry counted as an eviction) and
 * the young one becomes old. A hit in the old generation is promoted. Every operation is O(1).
 *
 * Why not delete-and-reinsert on a single Map: V8 leaves deleted slots in a Map until it rehashes, and
 * finding the oldest key then walks them; measured at ~20 µs per lookup under churn (bench/intel.ts).
 */
export interface Lru<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  clear(): void;
  /** entries held (at most the bound) */
  readonly size: number;
}

/**
 * @param max bound on entries (at least 2); beyond it the least recently used generation is dropped
 * @param onEvict called with the number of entries dropped (e.g. to add to a counter)
 */
export function createLru<K, V>(max: number, onEvict?: (n: number) => void): Lru<K, V> {
  const half = Math.max(1, Math.floor(max / 2));
  let young = new Map<K, V>();
  let old = new Map<K, V>();
  const put = (key: K, value: V): void => {
    if (young.size >= half) {
      if (old.size > 0) onEvict?.(old.size);
      old = young;
      young = new Map();
    }
    young.set(key, value);
  };
  return {
    get(key) {
      const v = young.get(key);
      if (v !== undefined) return v;
      const o = old.get(key);
      if (o === undefined) return undefined;
      old.delete(key);
      put(key, o);
      return o;
    },
    set(key, value) {
      if (young.has(key)) {
        young.set(key, value);
        return;
      }
      old.delete(key);
      put(key, value);
    },
    clear() {
      young = new Map();
      old = new Map();
    },
    get size() {
      return young.size + old.size;
    },
  };
}
