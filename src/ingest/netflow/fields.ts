/**
 * Information elements the collector reads (IANA IPFIX registry; NetFlow v9 uses the same numbers
 * below 128) and the interpreter that folds one field of a data record into a reusable scratch object.
 * No code is generated from templates: a template is a list of (element, length) that this walks.
 */

/** RFC 5103 reverse information elements carry this private enterprise number. */
export const REVERSE_PEN = 29305;

/** Element ids by name (IANA "IPFIX Information Elements"). */
export const IE = {
  octetDeltaCount: 1, packetDeltaCount: 2, protocolIdentifier: 4, tcpControlBits: 6,
  sourceTransportPort: 7, sourceIPv4Address: 8, destinationTransportPort: 11, destinationIPv4Address: 12,
  flowEndSysUpTime: 21, flowStartSysUpTime: 22, sourceIPv6Address: 27, destinationIPv6Address: 28,
  icmpTypeCodeIPv4: 32, samplingInterval: 34, samplerRandomInterval: 50, vlanId: 58,
  octetTotalCount: 85, packetTotalCount: 86, flowEndReason: 136, icmpTypeCodeIPv6: 139,
  flowStartSeconds: 150, flowEndSeconds: 151, flowStartMilliseconds: 152, flowEndMilliseconds: 153,
  flowStartMicroseconds: 154, flowEndMicroseconds: 155, flowStartNanoseconds: 156, flowEndNanoseconds: 157,
  flowStartDeltaMicroseconds: 158, flowEndDeltaMicroseconds: 159, systemInitTimeMilliseconds: 160,
  samplingPacketInterval: 305, samplingPacketSpace: 306,
} as const;

/** Scratch state of one data record; reset before each record, read after its last field. */
export interface RecordScratch {
  /** address length seen: 0 (none yet), 4 or 16; the last address field of a record wins */
  srcLen: number;
  dstLen: number;
  /** address words, big-endian (IPv4: first word only) */
  s0: number; s1: number; s2: number; s3: number;
  d0: number; d1: number; d2: number; d3: number;
  srcPort: number;
  dstPort: number;
  proto: number;
  bytes: number;
  packets: number;
  tcpFlags: number;
  hasReverse: boolean;
  revBytes: number;
  revPackets: number;
  revFlags: number;
  /** ms of system uptime (v9, IPFIX 21/22), NaN when absent */
  startUptimeMs: number;
  endUptimeMs: number;
  /** absolute µs since epoch, NaN when absent */
  startAbs: number;
  endAbs: number;
  /** µs before the export time (IPFIX 158/159), NaN when absent */
  startDelta: number;
  endDelta: number;
  /** type*256+code, -1 when absent */
  icmpTypeCode: number;
  endReasonCode: number;
  vlan: number;
  // option values
  samplingInterval: number;
  samplingPacketInterval: number;
  samplingPacketSpace: number;
  sysInitMs: number;
}

/** A fresh scratch object (allocate once per decoder, reuse with `resetScratch`). */
export function createScratch(): RecordScratch {
  // every field present from the start, so the object keeps one shape
  const s: RecordScratch = {
    srcLen: 0, dstLen: 0, s0: 0, s1: 0, s2: 0, s3: 0, d0: 0, d1: 0, d2: 0, d3: 0, srcPort: 0, dstPort: 0, proto: 0,
    bytes: 0, packets: 0, tcpFlags: 0, hasReverse: false, revBytes: 0, revPackets: 0, revFlags: 0,
    startUptimeMs: NaN, endUptimeMs: NaN, startAbs: NaN, endAbs: NaN, startDelta: NaN, endDelta: NaN,
    icmpTypeCode: -1, endReasonCode: 0, vlan: -1, samplingInterval: NaN, samplingPacketInterval: NaN,
    samplingPacketSpace: NaN, sysInitMs: NaN,
  };
  return s;
}

/** Clears every field of the scratch object. */
export function resetScratch(s: RecordScratch): void {
  s.srcLen = 0; s.dstLen = 0; s.srcPort = 0; s.dstPort = 0; s.proto = 0;
  s.bytes = 0; s.packets = 0; s.tcpFlags = 0;
  s.hasReverse = false; s.revBytes = 0; s.revPackets = 0; s.revFlags = 0;
  s.startUptimeMs = NaN; s.endUptimeMs = NaN; s.startAbs = NaN; s.endAbs = NaN;
  s.startDelta = NaN; s.endDelta = NaN; s.icmpTypeCode = -1; s.endReasonCode = 0; s.vlan = -1;
  s.samplingInterval = NaN; s.samplingPacketInterval = NaN; s.samplingPacketSpace = NaN; s.sysInitMs = NaN;
}

/** Unsigned big-endian integer of 1..8 bytes (reduced-size encoding); NaN for other lengths. Exact to 2^53. */
export function readUnsigned(b: Uint8Array, off: number, len: number): number {
  // the common widths without the loop
  if (len === 4) return word(b, off);
  if (len === 2) return ((b[off] ?? 0) << 8) | (b[off + 1] ?? 0);
  if (len === 1) return b[off] ?? 0;
  if (len < 1 || len > 8) return NaN;
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + (b[off + i] ?? 0);
  return v;
}

/** Big-endian unsigned 32-bit word at `off` (the caller has checked the 4 bytes exist). */
export function word(b: Uint8Array, off: number): number {
  return (((b[off] ?? 0) << 24) | ((b[off + 1] ?? 0) << 16) | ((b[off + 2] ?? 0) << 8) | (b[off + 3] ?? 0)) >>> 0;
}

const NTP_EPOCH_OFFSET_S = 2_208_988_800;

function readNtpMicros(b: Uint8Array, off: number): number {
  const secs = readUnsigned(b, off, 4);
  const frac = readUnsigned(b, off + 4, 4);
  return (secs - NTP_EPOCH_OFFSET_S) * 1e6 + Math.floor((frac * 1e6) / 4294967296);
}

/**
 * Folds field (`ie`, `pen`) of `len` bytes at `off` into `s`. Unknown elements and enterprise-specific
 * elements (other than RFC 5103 reverse ones) are skipped; the caller has checked that the bytes exist.
 */
export function applyField(s: RecordScratch, ie: number, pen: number, b: Uint8Array, off: number, len: number): void {
  if (pen === REVERSE_PEN) {
    if (ie === IE.octetDeltaCount || ie === IE.octetTotalCount) { s.revBytes = readUnsigned(b, off, len); s.hasReverse = true; }
    else if (ie === IE.packetDeltaCount || ie === IE.packetTotalCount) { s.revPackets = readUnsigned(b, off, len); s.hasReverse = true; }
    else if (ie === IE.tcpControlBits) s.revFlags = readUnsigned(b, off, len) & 0xff;
    return;
  }
  if (pen !== 0) return;
  switch (ie) {
    case IE.octetDeltaCount: case IE.octetTotalCount: s.bytes = readUnsigned(b, off, len); break;
    case IE.packetDeltaCount: case IE.packetTotalCount: s.packets = readUnsigned(b, off, len); break;
    case IE.protocolIdentifier: s.proto = readUnsigned(b, off, len); break;
    // only the low 8 bits are the classic TCP flags; IPFIX may send 2 bytes with the header bits
    case IE.tcpControlBits: s.tcpFlags = readUnsigned(b, off, len) & 0xff; break;
    case IE.sourceTransportPort: s.srcPort = readUnsigned(b, off, len); break;
    case IE.destinationTransportPort: s.dstPort = readUnsigned(b, off, len); break;
    case IE.sourceIPv4Address: if (len === 4) { s.srcLen = 4; s.s0 = word(b, off); s.s1 = s.s2 = s.s3 = 0; } break;
    case IE.destinationIPv4Address: if (len === 4) { s.dstLen = 4; s.d0 = word(b, off); s.d1 = s.d2 = s.d3 = 0; } break;
    case IE.sourceIPv6Address:
      if (len === 16) { s.srcLen = 16; s.s0 = word(b, off); s.s1 = word(b, off + 4); s.s2 = word(b, off + 8); s.s3 = word(b, off + 12); }
      break;
    case IE.destinationIPv6Address:
      if (len === 16) { s.dstLen = 16; s.d0 = word(b, off); s.d1 = word(b, off + 4); s.d2 = word(b, off + 8); s.d3 = word(b, off + 12); }
      break;
    case IE.flowStartSysUpTime: s.startUptimeMs = readUnsigned(b, off, len); break;
    case IE.flowEndSysUpTime: s.endUptimeMs = readUnsigned(b, off, len); break;
    case IE.icmpTypeCodeIPv4: case IE.icmpTypeCodeIPv6:
      s.icmpTypeCode = len === 1 ? readUnsigned(b, off, 1) * 256 : readUnsigned(b, off, len); break;
    case IE.samplingInterval: case IE.samplerRandomInterval: s.samplingInterval = readUnsigned(b, off, len); break;
    case IE.samplingPacketInterval: s.samplingPacketInterval = readUnsigned(b, off, len); break;
    case IE.samplingPacketSpace: s.samplingPacketSpace = readUnsigned(b, off, len); break;
    case IE.vlanId: s.vlan = readUnsigned(b, off, len); break;
    case IE.flowEndReason: s.endReasonCode = readUnsigned(b, off, len); break;
    case IE.flowStartSeconds: s.startAbs = readUnsigned(b, off, len) * 1e6; break;
    case IE.flowEndSeconds: s.endAbs = readUnsigned(b, off, len) * 1e6; break;
    case IE.flowStartMilliseconds: s.startAbs = readUnsigned(b, off, len) * 1e3; break;
    case IE.flowEndMilliseconds: s.endAbs = readUnsigned(b, off, len) * 1e3; break;
    case IE.flowStartMicroseconds: case IE.flowStartNanoseconds: if (len === 8) s.startAbs = readNtpMicros(b, off); break;
    case IE.flowEndMicroseconds: case IE.flowEndNanoseconds: if (len === 8) s.endAbs = readNtpMicros(b, off); break;
    case IE.flowStartDeltaMicroseconds: s.startDelta = readUnsigned(b, off, len); break;
    case IE.flowEndDeltaMicroseconds: s.endDelta = readUnsigned(b, off, len); break;
    case IE.systemInitTimeMilliseconds: s.sysInitMs = readUnsigned(b, off, len); break;
    default: break;
  }
}
