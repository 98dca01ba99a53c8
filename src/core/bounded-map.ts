/**
 * Inserts into a Map used as a bounded table: the key moves to the back (most recent), and when the
 * table is full the oldest entry (the first in insertion order) goes. Returns true when one was evicted,
 * so the caller can count it under its own name.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): boolean {
  map.delete(key);
  let evicted = false;
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
    evicted = true;
  }
  map.set(key, value);
  return evicted;
}
