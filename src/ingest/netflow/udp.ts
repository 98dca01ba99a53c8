import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { Micros } from '../../core/types.js';

/** Called for every datagram a listener receives; `receivedAt` is the wall clock (live ingest). */
export type DatagramHandler = (buf: Buffer, exporter: { readonly address: string; readonly port: number }, receivedAt: Micros) => void;

/** Counters of one listening socket. */
export interface UdpListenerStats {
  readonly url: string;
  readonly address: string;
  readonly port: number;
  readonly datagrams: number;
  readonly bytes: number;
  /** receive buffer the kernel granted (Linux doubles the request, capped by net.core.rmem_max) */
  readonly rcvbufBytes: number;
  /** datagrams the kernel dropped on this port (/proc/net/udp drops column); undefined off Linux */
  readonly kernelDrops: number | undefined;
}

/** Listening sockets opened by `listenUdp`. */
export interface UdpListeners {
  close(): Promise<void>;
  stats(): UdpListenerStats[];
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
 * with a receive buffer of `rcvbufBytes` (default 32 MiB requested) and hands every datagram to
 * `onDatagram`. Rejects with a clear message when a URL is malformed or a bind fails.
 */
export async function listenUdp(
  urls: readonly string[], opts: { readonly rcvbufBytes?: number }, onDatagram: DatagramHandler,
): Promise<UdpListeners> {
  const rcvbuf = opts.rcvbufBytes ?? 32 * 1024 * 1024;
  const opened: { url: string; sock: Socket; family: 4 | 6; datagrams: number; bytes: number }[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(opened.map((l) => new Promise<void>((res) => { try { l.sock.close(() => res()); } catch { res(); } })));
  };
  for (const url of urls) {
    const p = parseUdpUrl(url);
    if ('error' in p) { await closeAll(); throw new Error(p.error); }
    const sock = createSocket({ type: p.family === 4 ? 'udp4' : 'udp6', ipv6Only: p.family === 6, recvBufferSize: rcvbuf });
    const entry = { url, sock, family: p.family, datagrams: 0, bytes: 0 };
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(p.port, p.host, () => { sock.off('error', reject); resolve(); });
      });
    } catch (err) {
      await closeAll();
      throw new Error(`cannot listen on ${url}: ${(err as Error).message}`);
    }
    sock.on('error', () => { /* a live socket error after bind is reported by stats, not thrown */ });
    sock.on('message', (msg, rinfo) => {
      entry.datagrams++;
      entry.bytes += msg.length;
      onDatagram(msg, { address: rinfo.address, port: rinfo.port }, Date.now() * 1000);
    });
    opened.push(entry);
  }
  return {
    close: closeAll,
    stats: () => opened.map((l) => {
      const a = l.sock.address();
      let rcv = 0;
      try { rcv = l.sock.getRecvBufferSize(); } catch { rcv = 0; }
      return { url: l.url, address: a.address, port: a.port, datagrams: l.datagrams, bytes: l.bytes, rcvbufBytes: rcv, kernelDrops: readUdpDrops(a.port, l.family) };
    }),
  };
}
