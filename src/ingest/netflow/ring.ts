import type { Counters } from '../../core/counters.js';
import type { Micros } from '../../core/types.js';
import type { DatagramHandler } from './udp.js';

/** Bounds and batch size of a datagram ring. */
export interface DatagramRingOptions {
  /** datagrams held at most (≥ 1) */
  readonly maxDatagrams: number;
  /** bytes held at most; one datagram larger than this is still held alone */
  readonly maxBytes: number;
  /** datagrams handed on per setImmediate turn (≥ 1) */
  readonly batch: number;
}

/** A bounded FIFO of received datagrams, decoded in setImmediate batches. */
export interface DatagramRing {
  /** queue one datagram (evicting the oldest when a bound is hit) and make sure a batch is scheduled */
  push(buf: Buffer, address: string, port: number, receivedAt: Micros): void;
  /** hand every queued datagram on now */
  drain(): void;
  size(): number;
  /** datagrams evicted unhandled, counted as `netflow.queue_evicted` */
  evicted(): number;
}

/**
 * Creates a datagram ring: parallel fixed-size arrays used circularly (no allocation per datagram).
 * When full, the oldest datagram is evicted and counted; `onDatagram` sees the rest in arrival order.
 */
export function createDatagramRing(opts: DatagramRingOptions, onDatagram: DatagramHandler, counters?: Counters): DatagramRing {
  const cap = Math.max(1, Math.floor(opts.maxDatagrams));
  const batch = Math.max(1, Math.floor(opts.batch));
  const bufs: (Buffer | undefined)[] = new Array<Buffer | undefined>(cap).fill(undefined);
  const addrs: string[] = new Array<string>(cap).fill('');
  const ports = new Float64Array(cap);
  const times = new Float64Array(cap);
  let head = 0;
  let count = 0;
  let bytes = 0;
  let evictions = 0;
  let scheduled = false;

  const dropOldest = (): void => {
    bytes -= bufs[head]?.length ?? 0;
    bufs[head] = undefined;
    head = (head + 1) % cap;
    count--;
    evictions++;
    counters?.inc('netflow.queue_evicted');
  };

  const handleOne = (): void => {
    const buf = bufs[head];
    const exporter = { address: addrs[head] ?? '', port: ports[head] ?? 0 };
    const at = times[head] ?? 0;
    bufs[head] = undefined;
    head = (head + 1) % cap;
    count--;
    if (buf === undefined) return;
    bytes -= buf.length;
    onDatagram(buf, exporter, at);
  };

  const run = (): void => {
    scheduled = false;
    try {
      for (let i = 0; i < batch && count > 0; i++) handleOne();
    } finally {
      // a handler that throws still leaves the rest of the queue scheduled
      if (count > 0 && !scheduled) { scheduled = true; setImmediate(run); }
    }
  };

  return {
    push(buf, address, port, receivedAt) {
      while (count > 0 && (count >= cap || bytes + buf.length > opts.maxBytes)) dropOldest();
      const i = (head + count) % cap;
      bufs[i] = buf;
      addrs[i] = address;
      ports[i] = port;
      times[i] = receivedAt;
      count++;
      bytes += buf.length;
      if (!scheduled) { scheduled = true; setImmediate(run); }
    },
    drain() {
      while (count > 0) handleOne();
    },
    size: () => count,
    evicted: () => evictions,
  };
}
