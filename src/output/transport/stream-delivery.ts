import type { Socket } from 'node:net';
import { openSpool, type Spool } from '../spool.js';

/** Opens one connection; the delivery calls it again after each failure (with backoff). */
export type Connector = () => Socket;

/** Options of reliable delivery over a stream (TCP or TLS). */
export interface StreamDeliveryOptions {
  readonly connect: Connector;
  /** messages held in memory (oldest part of the backlog) */
  readonly queueMaxEvents: number;
  readonly spool?: { readonly dir: string; readonly maxBytes: number; readonly segmentBytes: number };
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly connectTimeoutMs: number;
  /** drops by reason (`queue_full`, `spool_full`, `shutdown_timeout`, …) */
  readonly onDrop: (reason: string, n: number) => void;
  /** named happenings for the counters: `connect`, `disconnect`, `error.<code>`, `spool.*` */
  readonly onEvent: (what: string, n: number) => void;
}

export interface StreamDelivery {
  /** queues one framed message; never blocks, never throws */
  send(framed: Buffer, alert: boolean): void;
  /** delivers the backlog for up to timeoutMs; what is left stays in the spool (or is counted dropped) */
  close(timeoutMs: number): Promise<void>;
  written(): number;
  queued(): number;
  spooled(): number;
}

/** Records and bytes written per socket write. */
const BATCH_RECORDS = 512;
const BATCH_BYTES = 256 * 1024;

interface Entry { readonly buf: Buffer; readonly alert: boolean }

/**
 * Ordered, at-least-once-until-the-kernel delivery: a bounded memory queue (oldest messages), then the
 * disk spool (newer ones; once the spool holds anything, new messages append to it so order is kept).
 * One write is in flight at a time; a message counts as delivered when the socket write succeeded.
 * The receiver's FIN or any error closes the connection; reconnects back off from reconnectMinMs,
 * doubling to reconnectMaxMs, and reset after the first successful write.
 */
export function createStreamDelivery(o: StreamDeliveryOptions): StreamDelivery {
  const spool: Spool | undefined = o.spool !== undefined ? openSpool(o.spool, o.onEvent) : undefined;
  let mem: Entry[] = [];
  let memHead = 0;
  let socket: Socket | undefined;
  let connected = false;
  let inflight: { from: 'mem' | 'spool'; n: number; done: boolean } | undefined;
  let written = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let closing = false;
  let closed = false;
  let idleWaiter: (() => void) | undefined;

  const memCount = (): number => mem.length - memHead;
  const spoolCount = (): number => spool?.count() ?? 0;

  function compactMem(): void {
    if (memHead > 1024 && memHead * 2 > mem.length) { mem = mem.slice(memHead); memHead = 0; }
  }

  /** memory full and no spool: drop the oldest non-alert (or the oldest alert when there is none) */
  function evictMem(): void {
    const start = memHead + (inflight?.from === 'mem' ? inflight.n : 0);
    for (let i = start; i < mem.length; i++) {
      if (!(mem[i] as Entry).alert) { mem.splice(i, 1); o.onDrop('queue_full', 1); return; }
    }
    if (start < mem.length) { mem.splice(start, 1); o.onDrop('queue_full_alert', 1); }
  }

  function enqueue(e: Entry): void {
    if (spool !== undefined && (spoolCount() > 0 || memCount() >= o.queueMaxEvents)) {
      const r = spool.append(e.buf, e.alert);
      if (r !== undefined) o.onDrop(r, 1);
      return;
    }
    if (memCount() >= o.queueMaxEvents) evictMem();
    mem.push(e);
  }

  function scheduleReconnect(): void {
    if (timer !== undefined || closed) return;
    const delay = Math.min(o.reconnectMaxMs, o.reconnectMinMs * 2 ** Math.min(failures, 20));
    failures++;
    timer = setTimeout(() => { timer = undefined; connect(); }, delay);
  }

  function down(s: Socket): void {
    if (socket !== s) return;
    socket = undefined;
    if (connected) o.onEvent('disconnect', 1);
    connected = false;
    if (inflight !== undefined && !inflight.done) inflight.done = true; // not written: stays queued
    inflight = undefined;
    s.destroy();
    if (!closed) scheduleReconnect();
  }

  function connect(): void {
    if (socket !== undefined || closed) return;
    let s: Socket;
    try {
      s = o.connect();
    } catch {
      o.onEvent('error.connect', 1);
      scheduleReconnect();
      return;
    }
    socket = s;
    s.setTimeout(o.connectTimeoutMs, () => { if (!connected) { o.onEvent('error.connect_timeout', 1); down(s); } });
    s.on('data', () => { /* receivers send nothing; reading lets us see their FIN */ });
    s.on('end', () => down(s));
    s.on('close', () => down(s));
    s.on('error', (e: NodeJS.ErrnoException) => { o.onEvent(`error.${e.code ?? 'socket'}`, 1); down(s); });
    const ready = (): void => {
      if (socket !== s) return;
      s.setTimeout(0);
      connected = true;
      o.onEvent('connect', 1);
      pump();
    };
    // a TLS socket is ready after the handshake, a plain one after connect
    s.once('secureConnect', ready);
    s.once('connect', () => { if (!('encrypted' in s)) ready(); });
  }

  function pump(): void {
    if (!connected || socket === undefined || inflight !== undefined) { settle(); return; }
    let bufs: Buffer[];
    let from: 'mem' | 'spool';
    if (memCount() > 0) {
      from = 'mem';
      bufs = [];
      let bytes = 0;
      for (let i = memHead; i < mem.length && bufs.length < BATCH_RECORDS && (bufs.length === 0 || bytes < BATCH_BYTES); i++) {
        const b = (mem[i] as Entry).buf;
        bufs.push(b); bytes += b.length;
      }
    } else if (spoolCount() > 0 && spool !== undefined) {
      from = 'spool';
      bufs = spool.peek(BATCH_RECORDS, BATCH_BYTES);
    } else { settle(); return; }
    if (bufs.length === 0) { settle(); return; }
    const flight = { from, n: bufs.length, done: false };
    inflight = flight;
    const s = socket;
    s.write(bufs.length === 1 ? (bufs[0] as Buffer) : Buffer.concat(bufs), (err) => {
      if (flight.done) return;
      flight.done = true;
      inflight = undefined;
      if (err) { down(s); return; }
      if (flight.from === 'mem') { memHead += flight.n; compactMem(); } else spool?.ack(flight.n);
      written += flight.n;
      failures = 0;
      pump();
    });
  }

  function settle(): void {
    if (idleWaiter !== undefined && memCount() === 0 && spoolCount() === 0 && inflight === undefined) idleWaiter();
  }

  connect();

  return {
    send(framed, alert) {
      if (closing) { o.onDrop('closed', 1); return; }
      enqueue({ buf: framed, alert });
      pump();
    },
    async close(timeoutMs) {
      if (closing) return;
      closing = true;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, timeoutMs));
        idleWaiter = () => { clearTimeout(t); resolve(); };
        if (!connected && timer !== undefined) { clearTimeout(timer); timer = undefined; connect(); }
        pump();
      });
      idleWaiter = undefined;
      closed = true;
      if (timer !== undefined) { clearTimeout(timer); timer = undefined; }
      const left = mem.slice(memHead + (inflight?.from === 'mem' ? inflight.n : 0));
      for (const e of left) {
        const r = spool?.append(e.buf, e.alert) ?? 'shutdown_timeout';
        if (r !== undefined) o.onDrop(r === 'spool_full' || r === 'spool_full_alert' ? r : 'shutdown_timeout', 1);
      }
      mem = []; memHead = 0;
      spool?.close();
      const s = socket;
      if (s !== undefined) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => { s.destroy(); resolve(); }, 1000);
          s.once('close', () => { clearTimeout(t); resolve(); });
          s.end();
        });
      }
    },
    written: () => written,
    queued: () => memCount(),
    spooled: () => spoolCount(),
  };
}
