import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FlowRecord } from '../../../src/core/types.js';

export const run = promisify(execFile);

/** Directional totals keyed `proto src sport > dst dport`. */
export type Totals = Map<string, { bytes: number; packets: number }>;

function add(t: Totals, k: string, bytes: number, packets: number): void {
  const e = t.get(k) ?? { bytes: 0, packets: 0 };
  e.bytes += bytes;
  e.packets += packets;
  t.set(k, e);
}

/** Splits collector flows back into directional IP-byte totals. */
export function totalsFromFlows(flows: readonly FlowRecord[]): Totals {
  const t: Totals = new Map();
  for (const f of flows) {
    if (f.origPackets > 0) add(t, `${f.protoNumber} ${f.origIp} ${f.origPort} > ${f.respIp} ${f.respPort}`, f.origBytes, f.origPackets);
    if (f.respPackets > 0) add(t, `${f.protoNumber} ${f.respIp} ${f.respPort} > ${f.origIp} ${f.origPort}`, f.respBytes, f.respPackets);
  }
  return t;
}

/**
 * What tshark says of the same capture, per direction of every TCP/UDP 5-tuple: packets, and bytes as
 * softflowd meters them — the captured frame after the 14-byte Ethernet header, which for frames padded
 * to the 60-byte Ethernet minimum is up to 6 bytes more than the IP total length.
 */
export async function totalsFromTshark(pcap: string, ipv4Only: boolean): Promise<Totals> {
  const filter = `${ipv4Only ? 'ip' : '(ip or ipv6)'} and (tcp or udp) and not icmp and not ip.flags.mf == 1 and not ip.frag_offset > 0`;
  const { stdout } = await run('tshark', ['-r', pcap, '-Y', filter, '-T', 'fields', '-E', 'separator=,',
    '-e', 'ip.src', '-e', 'ip.dst', '-e', 'ipv6.src', '-e', 'ipv6.dst', '-e', 'tcp.srcport', '-e', 'tcp.dstport',
    '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'frame.len'], { maxBuffer: 256 * 1024 * 1024 });
  const t: Totals = new Map();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    // tunnelled packets list several values per field; take the outer header like softflowd does
    const c = line.split(',').map((x) => x.split(';')[0] ?? '');
    const [s4, d4, s6, d6, ts, td, us, ud, frameLen] = c;
    const tcp = ts !== '';
    const src = s4 !== '' ? s4 : s6;
    const dst = d4 !== '' ? d4 : d6;
    const bytes = Number(frameLen) - 14;
    add(t, `${tcp ? 6 : 17} ${src} ${tcp ? ts : us} > ${dst} ${tcp ? td : ud}`, bytes, 1);
  }
  return t;
}
