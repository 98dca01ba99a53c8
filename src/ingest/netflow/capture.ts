import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { Counters } from '../../core/counters.js';
import { ipToString } from '../../flow/flow.js';
import type { Collector } from './types.js';

interface PcapPacket { header: { timestampSeconds: number; timestampMicroseconds: number }; data: Buffer }
type PcapParse = (input: NodeJS.ReadableStream) => EventEmitter;
const pcapParse = (createRequire(import.meta.url)('pcap-parser') as { parse: PcapParse }).parse;

/** Result of replaying a capture of NetFlow/IPFIX datagrams. */
export interface CaptureReplay {
  readonly packets: number;
  readonly datagrams: number;
  /** set when the file could not be read to the end (every complete packet before it was used) */
  readonly error?: string;
}

/**
 * The UDP payload of a frame and its source, by a minimal walk: Ethernet (+802.1Q/QinQ), Linux SLL,
 * BSD loopback or raw IP; IPv4 (first fragments only) or IPv6 (no extension headers); UDP.
 * Anything else is counted under `netflow_read.*` and skipped.
 */
export function udpPayloadOf(
  linkType: number, f: Uint8Array, counters: Counters,
): { payload: Uint8Array; address: string; port: number } | undefined {
  let o: number;
  let etherType: number;
  const u16 = (i: number): number => ((f[i] ?? 0) << 8) | (f[i + 1] ?? 0);
  if (linkType === 1) {
    if (f.length < 14) { counters.inc('netflow_read.truncated'); return undefined; }
    etherType = u16(12); o = 14;
    for (let tags = 0; (etherType === 0x8100 || etherType === 0x88a8) && tags < 4; tags++) {
      if (f.length < o + 4) { counters.inc('netflow_read.truncated'); return undefined; }
      etherType = u16(o + 2); o += 4;
    }
  } else if (linkType === 113) {
    if (f.length < 16) { counters.inc('netflow_read.truncated'); return undefined; }
    etherType = u16(14); o = 16;
  } else if (linkType === 0 || linkType === 108) {
    o = 4; etherType = (f[4] ?? 0) >> 4 === 6 ? 0x86dd : 0x0800;
  } else if (linkType === 101 || linkType === 12 || linkType === 228 || linkType === 229) {
    o = 0; etherType = (f[0] ?? 0) >> 4 === 6 ? 0x86dd : 0x0800;
  } else { counters.inc('netflow_read.unknown_linktype'); return undefined; }
  let udp: number;
  let end: number;
  let address: string;
  if (etherType === 0x0800) {
    if (f.length < o + 20) { counters.inc('netflow_read.truncated'); return undefined; }
    const ihl = ((f[o] ?? 0) & 0x0f) * 4;
    if ((f[o + 9] ?? 0) !== 17) { counters.inc('netflow_read.not_udp'); return undefined; }
    if ((u16(o + 6) & 0x1fff) !== 0) { counters.inc('netflow_read.fragment'); return undefined; }
    if (ihl < 20) { counters.inc('netflow_read.bad_ihl'); return undefined; }
    address = ipToString(f.subarray(o + 12, o + 16));
    end = Math.min(f.length, o + u16(o + 2));
    udp = o + ihl;
  } else if (etherType === 0x86dd) {
    if (f.length < o + 40) { counters.inc('netflow_read.truncated'); return undefined; }
    if ((f[o + 6] ?? 0) !== 17) { counters.inc('netflow_read.not_udp'); return undefined; }
    address = ipToString(f.subarray(o + 8, o + 24));
    end = Math.min(f.length, o + 40 + u16(o + 4));
    udp = o + 40;
  } else { counters.inc('netflow_read.not_ip'); return undefined; }
  if (end < udp + 8) { counters.inc('netflow_read.truncated'); return undefined; }
  return { payload: f.subarray(udp + 8, Math.min(end, udp + u16(udp + 4))), address, port: u16(udp) };
}

/**
 * Replays a classic pcap file of NetFlow/IPFIX datagrams through `collector` (read with pcap-parser),
 * using each packet's capture time as receive time, then flushes every pending record.
 */
export function readNetflowCapture(path: string, collector: Collector, counters: Counters): Promise<CaptureReplay> {
  return new Promise((resolve) => {
    let linkType = 1;
    let packets = 0;
    let datagrams = 0;
    let done = false;
    const finish = (error?: string): void => {
      if (done) return;
      done = true;
      collector.flush(Infinity);
      resolve({ packets, datagrams, ...(error !== undefined ? { error } : {}) });
    };
    const stream = createReadStream(path);
    stream.on('error', (e) => finish(`cannot read ${path}: ${e.message}`));
    const parser = pcapParse(stream);
    parser.on('globalHeader', (h: { linkLayerType: number }) => { linkType = h.linkLayerType; });
    parser.on('packet', (p: PcapPacket) => {
      packets++;
      const u = udpPayloadOf(linkType, p.data, counters);
      if (u === undefined) return;
      datagrams++;
      collector.handleDatagram(u.payload, { address: u.address, port: u.port }, p.header.timestampSeconds * 1e6 + p.header.timestampMicroseconds);
    });
    parser.on('error', (e: Error) => finish(`${path}: ${e.message}`));
    parser.on('end', () => finish());
  });
}
