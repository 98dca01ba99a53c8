import { createRequire } from 'node:module';
import { resetScratch } from './fields.js';
import { checkSequence, type DecodeContext } from './context.js';
import { toUniFlow, type HeaderTime } from './record.js';

/** The parts of node-netflowv9's v5 decoder output the collector reads. */
interface Nf5Flow {
  ipv4_src_addr: string; ipv4_dst_addr: string; in_pkts: number; in_bytes: number;
  first_switched: number; last_switched: number; ipv4_src_port: number; ipv4_dst_port: number;
  tcp_flags: number; protocol: number;
}
type Nf5Decode = (msg: Buffer, rinfo: unknown) => { header: { sampling_interval: number }; flows: Nf5Flow[] };

// node-netflowv9's v5 decoder is plain field reads (no generated code); it reads past the end on a short
// datagram, so it only ever sees a buffer whose length the header was checked against.
const nf5PktDecode = createRequire(import.meta.url)('node-netflowv9/js/nf5/nf5decode.js') as Nf5Decode;

const V5_HEADER = 24;
const V5_RECORD = 48;
const V5_MAX_COUNT = 30;

/** node-netflowv9's dotted-quad text back to a 32-bit word. */
function parseIpv4(text: string): number {
  const parts = text.split('.');
  let v = 0;
  for (let i = 0; i < 4; i++) v = v * 256 + (Number(parts[i] ?? 0) & 0xff);
  return v;
}

/**
 * Decodes one NetFlow v5 datagram with node-netflowv9 after checking its length against the header
 * count (`netflow.v5_truncated`, `netflow.v5_bad_count`). Returns the number of records.
 */
export function decodeV5(b: Uint8Array, exporterAddr: string, ctx: DecodeContext): number {
  if (b.length < V5_HEADER) { ctx.counters.inc('netflow.v5_truncated'); return 0; }
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const count = buf.readUInt16BE(2);
  if (count === 0 || count > V5_MAX_COUNT) { ctx.counters.inc('netflow.v5_bad_count'); return 0; }
  if (buf.length < V5_HEADER + count * V5_RECORD) { ctx.counters.inc('netflow.v5_truncated'); return 0; }
  const uptimeMs = buf.readUInt32BE(4);
  const exportMs = buf.readUInt32BE(8) * 1000 + Math.floor(buf.readUInt32BE(12) / 1e6);
  const seq = buf.readUInt32BE(16);
  const scopeKey = `${exporterAddr}/v5/${buf[20] ?? 0}.${buf[21] ?? 0}`;
  const st = ctx.scope(scopeKey);
  checkSequence(ctx, st, seq, 'records');
  st.nextSeq = (seq + count) >>> 0;
  const out = nf5PktDecode(buf.subarray(0, V5_HEADER + count * V5_RECORD), undefined);
  // low 14 bits: 1-in-N interval; top 2 bits: sampling mode (0 = none announced)
  const interval = out.header.sampling_interval & 0x3fff;
  if (interval > 1) st.samplingRate = interval;
  const time: HeaderTime = { exportMs, uptimeMs, sysInitMs: NaN };
  const source = { exporterAddr, exporterScope: `${exporterAddr}/${buf[20] ?? 0}.${buf[21] ?? 0}`, samplingRate: ctx.samplingRate(exporterAddr, st) };
  const s = ctx.scratch;
  let n = 0;
  for (const f of out.flows) {
    resetScratch(s);
    s.srcLen = 4; s.s0 = parseIpv4(f.ipv4_src_addr);
    s.dstLen = 4; s.d0 = parseIpv4(f.ipv4_dst_addr);
    s.proto = f.protocol;
    s.srcPort = f.ipv4_src_port;
    s.dstPort = f.ipv4_dst_port;
    // softflowd and Cisco put ICMP type*256+code in the destination port of a v5 record
    if ((f.protocol === 1 || f.protocol === 58) && f.ipv4_src_port === 0) s.icmpTypeCode = f.ipv4_dst_port;
    s.bytes = f.in_bytes;
    s.packets = f.in_pkts;
    s.tcpFlags = f.tcp_flags;
    s.startUptimeMs = f.first_switched;
    s.endUptimeMs = f.last_switched;
    const u = toUniFlow(s, time, source, ctx.counters);
    if (u !== undefined) { ctx.emit(u); n++; }
  }
  return n;
}
