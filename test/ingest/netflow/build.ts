import { createCounters, type Counters } from '../../../src/core/counters.js';
import type { FlowRecord } from '../../../src/core/types.js';
import { createCollector, type Collector, type CollectorOptions } from '../../../src/ingest/netflow/index.js';
/** Tiny big-endian byte builders for hand-made NetFlow/IPFIX datagrams in tests. */
export const u8 = (v: number): number[] => [v & 0xff];
export const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
export const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
export const ip4 = (s: string): number[] => s.split('.').map(Number);

/** An IPFIX message: header (version 10, length, export time, sequence, domain) + sets. */
export function ipfix(exportSecs: number, seq: number, domain: number, ...sets: number[][]): Buffer {
  const body = sets.flat();
  return Buffer.from([...u16(10), ...u16(16 + body.length), ...u32(exportSecs), ...u32(seq), ...u32(domain), ...body]);
}

/** A set: id, length (4 + content), content. */
export function set(id: number, ...content: number[][]): number[] {
  const c = content.flat();
  return [...u16(id), ...u16(4 + c.length), ...c];
}

/** A NetFlow v9 datagram: header (version 9, count, sysUptime, unix secs, sequence, source id) + flowsets. */
export function v9(uptimeMs: number, unixSecs: number, seq: number, sourceId: number, ...sets: number[][]): Buffer {
  return Buffer.from([...u16(9), ...u16(sets.length), ...u32(uptimeMs), ...u32(unixSecs), ...u32(seq), ...u32(sourceId), ...sets.flat()]);
}

/** IPFIX template record for a plain IPv4 5-tuple flow with absolute ms times. */
export function ipv4Template(id: number): number[] {
  return [
    ...u16(id), ...u16(8), // template id, field count
    ...u16(8), ...u16(4), // sourceIPv4Address
    ...u16(12), ...u16(4), // destinationIPv4Address
    ...u16(7), ...u16(2), // sourceTransportPort
    ...u16(11), ...u16(2), // destinationTransportPort
    ...u16(4), ...u16(1), // protocolIdentifier
    ...u16(1), ...u16(8), // octetDeltaCount
    ...u16(2), ...u16(4), // packetDeltaCount (reduced size)
    ...u16(152), ...u16(8), // flowStartMilliseconds
  ];
}

/** A data record for `ipv4Template`. */
export function ipv4Record(src: string, dst: string, sp: number, dp: number, proto: number, bytes: number, packets: number, startMs: number): number[] {
  return [...ip4(src), ...ip4(dst), ...u16(sp), ...u16(dp), ...u8(proto), ...u32(Math.floor(bytes / 2 ** 32)), ...u32(bytes >>> 0), ...u32(packets), ...u32(Math.floor(startMs / 2 ** 32)), ...u32(startMs >>> 0)];
}

/** A collector that keeps what it emits, for tests. */
export function setup(opts: CollectorOptions = {}): { counters: Counters; flows: FlowRecord[]; c: Collector } {
  const counters = createCounters();
  const flows: FlowRecord[] = [];
  const c = createCollector(opts, (f) => flows.push(f), counters);
  return { counters, flows, c };
}
