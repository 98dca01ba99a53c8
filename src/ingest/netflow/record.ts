import type { Counters } from '../../core/counters.js';
import type { FlowEndReason } from '../../core/types.js';
import type { RecordScratch } from './fields.js';
import type { UniFlow } from './types.js';

/** Header facts a record's times are relative to. */
export interface HeaderTime {
  /** export time of the datagram, ms since epoch */
  readonly exportMs: number;
  /** v5/v9 header sysUptime in ms; NaN for IPFIX */
  readonly uptimeMs: number;
  /** IPFIX systemInitTimeMilliseconds of the scope (from an options record); NaN when unknown */
  readonly sysInitMs: number;
}

/** Where a record came from and the sampling rate to apply. */
export interface RecordSource {
  readonly exporterAddr: string;
  readonly exporterScope: string;
  readonly samplingRate: number;
}

const UPTIME_WRAP_MS = 4294967296;

function uptimeToMicros(fieldMs: number, h: HeaderTime): number {
  if (!Number.isNaN(h.uptimeMs)) {
    let back = h.uptimeMs - fieldMs;
    // the 32-bit ms uptime wraps every 49.7 days; a field "after" the header is from before the wrap
    if (back < -UPTIME_WRAP_MS / 2) back += UPTIME_WRAP_MS;
    return (h.exportMs - back) * 1000;
  }
  if (!Number.isNaN(h.sysInitMs)) return (h.sysInitMs + fieldMs) * 1000;
  return NaN;
}

function resolveTime(abs: number, uptime: number, delta: number, h: HeaderTime): number {
  if (!Number.isNaN(abs)) return abs;
  if (!Number.isNaN(uptime)) return uptimeToMicros(uptime, h);
  if (!Number.isNaN(delta)) return h.exportMs * 1000 - delta;
  return NaN;
}

const END_REASONS: Readonly<Record<number, FlowEndReason>> = { 1: 'idle', 2: 'active', 3: 'fin', 4: 'shutdown', 5: 'evicted' };

/**
 * Turns a filled scratch record into a UniFlow, applying the sampling rate to bytes and packets.
 * Records without a source and destination address of the same family are counted
 * (`netflow.record_no_address`) and skipped; records without any time take the export time
 * (`netflow.record_no_time`).
 */
export function toUniFlow(s: RecordScratch, h: HeaderTime, src: RecordSource, counters: Counters): UniFlow | undefined {
  if (s.srcLen === 0 || s.dstLen === 0 || s.srcLen !== s.dstLen) {
    counters.inc('netflow.record_no_address');
    return undefined;
  }
  let start = resolveTime(s.startAbs, s.startUptimeMs, s.startDelta, h);
  let end = resolveTime(s.endAbs, s.endUptimeMs, s.endDelta, h);
  if (Number.isNaN(start) && Number.isNaN(end)) {
    counters.inc('netflow.record_no_time');
    start = end = h.exportMs * 1000;
  } else if (Number.isNaN(start)) start = end;
  else if (Number.isNaN(end)) end = start;
  if (end < start) end = start;
  let srcPort = s.srcPort;
  let dstPort = s.dstPort;
  if ((s.proto === 1 || s.proto === 58) && s.icmpTypeCode >= 0) {
    srcPort = s.icmpTypeCode >> 8;
    dstPort = s.icmpTypeCode & 0xff;
  }
  const rate = src.samplingRate;
  const flags = s.proto === 6 ? s.tcpFlags : 0;
  let endReason = END_REASONS[s.endReasonCode];
  if (endReason === 'fin' && (flags & 0x04) !== 0) endReason = 'rst';
  const v6 = s.srcLen === 16;
  return {
    exporterAddr: src.exporterAddr,
    exporterScope: src.exporterScope,
    family: v6 ? 6 : 4,
    s0: s.s0, s1: v6 ? s.s1 : 0, s2: v6 ? s.s2 : 0, s3: v6 ? s.s3 : 0,
    d0: s.d0, d1: v6 ? s.d1 : 0, d2: v6 ? s.d2 : 0, d3: v6 ? s.d3 : 0,
    proto: s.proto,
    srcPort,
    dstPort,
    bytes: s.bytes * rate,
    packets: s.packets * rate,
    start,
    end,
    tcpFlags: flags,
    reverse: s.hasReverse ? { bytes: s.revBytes * rate, packets: s.revPackets * rate, tcpFlags: s.proto === 6 ? s.revFlags : 0 } : undefined,
    endReason,
    vlan: s.vlan >= 0 ? s.vlan : undefined,
  };
}
