import type { SensorEvent } from '../core/types.js';

/** Running totals of one sink. Counts are events (not bytes) since the sink was created. */
export interface SinkStats {
  /** events handed to the destination (file/stdout: written; syslog: written to the socket) */
  readonly written: number;
  /** events waiting in memory right now (bounded by the sink's queue limit) */
  readonly queued: number;
  /** events waiting in the disk spool right now (syslog TCP/TLS only) */
  readonly spooled: number;
  /** events lost, by reason (e.g. `queue_full`, `epipe`, `spool_full`, `udp_error`) */
  readonly dropped: Readonly<Record<string, number>>;
}

/** One output destination. Several sinks run side by side, each with its own filter. */
export interface Sink {
  readonly name: string;
  /** hand one event over; never throws, never blocks the packet loop */
  write(ev: SensorEvent): void;
  /** flush and wait up to timeoutMs (end of replay, SIGTERM); never rejects */
  close(timeoutMs: number): Promise<void>;
  stats(): SinkStats;
}

/** A drop tally keyed by reason; `record()` is what a sink's stats expose. */
export interface DropTally {
  add(reason: string, n?: number): void;
  record(): Readonly<Record<string, number>>;
  total(): number;
}

/** Creates a drop tally that also feeds the shared counters as `<prefix>.dropped.<reason>`. */
export function createDropTally(onDrop?: (reason: string, n: number) => void): DropTally {
  const byReason: Record<string, number> = {};
  let sum = 0;
  return {
    add(reason, n = 1) {
      byReason[reason] = (byReason[reason] ?? 0) + n;
      sum += n;
      onDrop?.(reason, n);
    },
    record: () => ({ ...byReason }),
    total: () => sum,
  };
}
