import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { Counters } from '../../core/counters.js';
import type { Micros } from '../../core/types.js';
import { createDatagramRing } from './ring.js';

/** Called for every datagram a listener receives; `receivedAt` is the wall clock (live ingest). */
export type DatagramHandler = (buf: Buffer, exporter: { readonly address: string; readonly port: number }, receivedAt: Micros) => void;

/** Counters of one listening socket. */
export interface UdpListenerStats {
  readonly url: string;
  readonly address: string;
  readonly port: number;
  readonly datagrams: number;
  readonly bytes: number;
  /** receive buffer asked of the kernel */
  readonly rcvbufRequested: number;
  /** receive buffer the kernel granted (Linux doubles the request, capped by 2 × net.core.rmem_max) */
  readonly rcvbufBytes: number;
  /** datagrams the kernel dropped on this port (/proc/net/udp drops column); undefined off Linux */
  readonly kernelDrops: number | undefined;
}

/** Listening sockets opened by `listenUdp`. */
export interface UdpListeners {
  /** closes the sockets, then decodes every datagram still queued */
  close(): Promise<void>;
  stats(): UdpListenerStats[];
  /** decode every queued datagram now (normally done in setImmediate batches) */
  drain(): void;
  /** datagrams read off the sockets and not decoded yet */
  queued(): number;
  /** datagrams evicted from the full queue (oldest first), over all sockets */
  queueEvicted(): number;
}

/** Options of `listenUdp`; every bound has a default. */
export interface UdpListenOptions {
  /** receive buffer asked of the kernel per socket, bytes (default 32 MiB) */
  readonly rcvbufBytes?: number;
  /** datagrams read off the sockets but not yet decoded, at most (default 16,384; oldest evicted) */
  readonly maxQueuedDatagrams?: number;
  /** bytes of those datagrams, at most (default 64 MiB; oldest evicted) */
  readonly maxQueuedBytes?: number;
  /** datagrams decoded per setImmediate turn before the sockets are read again (default 1: measured best in a burst, libuv reads up to 32 per poll) */
  readonly batchDatagrams?: number;
  /** where `netflow.queue_evicted` is counted */
  readonly counters?: Counters;
}

/** Parses `udp://HOST:PORT` (IPv6 host in brackets). Returns an error string for anything else. */
export function parseUdpUrl(url: string): { host: string; port: number; family: 4 | 6 } | { error: string } {
  const m = /^udp:\/\/(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+|localhost)):(\d{1,5})$/.exec(url);
  if (m === null) return { error: `not a udp://HOST:PORT address: ${url}` };
  const port = Number(m[3]);
  if (port > 65535) return { error: `port out of range in ${url}` };
  if (m[1] !== undefined) return { host: m[1], port, family: 6 };
  const host = m[2] === 'localhost' ? '127.0.0.1' : (m[2] ?? '');
  return { host, port, family: 4 };
}

/**
 * Datagrams the kernel dropped for UDP sockets bound to `port` (sum of the drops column of
 * /proc/net/udp or /proc/net/udp6). Undefined when the file cannot be read.
 */
export function readUdpDrops(port: number, family: 4 | 6): number | undefined {
  let text: string;
  try {
    text = readFileSync(family === 4 ? '/proc/net/udp' : '/proc/net/udp6', 'utf8');
  } catch {
    return undefined;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let drops = 0;
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1]?.endsWith(`:${hexPort}`) === true) drops += Number(cols[12] ?? 0) || 0;
  }
  return drops;
}

/**
 * Opens one UDP socket per URL (IPv6 sockets are IPv6-only so a v4 and a v6 listener can share a port)
 * with a receive buffer of `rcvbufBytes` (default 32 MiB requested). The 'message' handler only queues
 * the datagram (bounded ring, oldest evicted and counted as `netflow.queue_evicted`); `onDatagram` runs
 * in setImmediate batches, so during a burst the sockets are read between batches and the backlog sits
 * in the ring instead of overflowing the kernel buffer. Datagrams reach `onDatagram` in arrival order.
 * Rejects with a clear message when a URL is malformed or a bind fails.
 */
export async function listenUdp(
  urls: readonly string[], opts: UdpListenOptions, onDatagram: DatagramHandler,
): Promise<UdpListeners> {
  const rcvbuf = opts.rcvbufBytes ?? 32 * 1024 * 1024;
  const ring = createDatagramRing({
    maxDatagrams: opts.maxQueuedDatagrams ?? 16_384,
    maxBytes: opts.maxQueuedBytes ?? 64 * 1024 * 1024,
    batch: opts.batchDatagrams ?? 1,
  }, onDatagram, opts.counters);
  const opened: { url: string; sock: Socket; family: 4 | 6; datagrams: number; bytes: number }[] = [];
  const closeSockets = async (): Promise<void> => {
    await Promise.all(opened.map((l) => new Promise<void>((res) => { try { l.sock.close(() => res()); } catch { res(); } })));
  };
  const closeAll = async (): Promise<void> => {
    await closeSockets();
    ring.drain();
  };
  for (const url of urls) {
    const p = parseUdpUrl(url);
    if ('error' in p) { await closeSockets(); throw new Error(p.error); }
    const sock = createSocket({ type: p.family === 4 ? 'udp4' : 'udp6', ipv6Only: p.family === 6, recvBufferSize: rcvbuf });
    const entry = { url, sock, family: p.family, datagrams: 0, bytes: 0 };
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(p.port, p.host, () => { sock.off('error', reject); resolve(); });
      });
    } catch (err) {
      await closeSockets();
      throw new Error(`cannot listen on ${url}: ${(err as Error).message}`);
    }
    sock.on('error', () => { /* a live socket error after bind is reported by stats, not thrown */ });
    sock.on('message', (msg, rinfo) => {
      entry.datagrams++;
      entry.bytes += msg.length;
      ring.push(msg, rinfo.address, rinfo.port, Date.now() * 1000);
    });
    opened.push(entry);
  }
  return {
    close: closeAll,
    drain: () => ring.drain(),
    queued: () => ring.size(),
    queueEvicted: () => ring.evicted(),
    stats: () => opened.map((l) => {
      const a = l.sock.address();
      let rcv = 0;
      try { rcv = l.sock.getRecvBufferSize(); } catch { rcv = 0; }
      return { url: l.url, address: a.address, port: a.port, datagrams: l.datagrams, bytes: l.bytes, rcvbufRequested: rcvbuf, rcvbufBytes: rcv, kernelDrops: readUdpDrops(a.port, l.family) };
    }),
  };
}
