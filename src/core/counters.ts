/**
 * Named counters for everything the sensor drops, skips or finds malformed (Suricata's decoder events,
 * Zeek's weirds). A name is `<layer>.<what>`, e.g. `ipv4.bad_ihl`, `dns.decode_error`, `flow.evicted`.
 */
export interface Counters {
  /** add n (default 1) to the named counter */
  inc(name: string, n?: number): void;
  get(name: string): number;
  /** all non-zero counters, sorted by name */
  snapshot(): Record<string, number>;
}

export function createCounters(): Counters {
  const values = new Map<string, number>();
  return {
    inc(name, n = 1) {
      values.set(name, (values.get(name) ?? 0) + n);
    },
    get(name) {
      return values.get(name) ?? 0;
    },
    snapshot() {
      const out: Record<string, number> = {};
      for (const k of [...values.keys()].sort()) {
        const v = values.get(k) ?? 0;
        if (v !== 0) out[k] = v;
      }
      return out;
    },
  };
}
