import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataset, get, parseLines, PCAPS, runCli, SAMPLE_CONFIG } from '../helpers/cli.js';

// tshark (Wireshark 4.0) is the oracle: per-flow packets and IP bytes each way, DNS names, SNI.
const OPTS = ['-n', '-o', 'tcp.desegment_tcp_streams:TRUE', '-o', 'ip.defragment:TRUE', '-o', 'ipv6.defragment:TRUE'];
const hasTshark = spawnSync('tshark', ['-v']).status === 0;

function tshark(file: string, filter: string, fields: string[], occurrence: 'f' | 'a' = 'f'): string[][] {
  const r = spawnSync('tshark', [...OPTS, '-r', file, ...(filter ? ['-Y', filter] : []), '-T', 'fields', '-E', 'separator=\t', '-E', `occurrence=${occurrence}`, '-E', 'aggregator=;', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** Unordered endpoint pair + transport, so either orientation lands on one key. */
function pairKey(t: string, a: string, ap: string, b: string, bp: string): { key: string; aFirst: boolean } {
  const x = `${a}:${ap}`;
  const y = `${b}:${bp}`;
  return x < y ? { key: `${t} ${x} ${y}`, aFirst: true } : { key: `${t} ${y} ${x}`, aFirst: false };
}

const captures = readdirSync(PCAPS).filter((f) => /\.pcap(ng)?$/.test(f) && !f.startsWith('truncated')).sort();

describe.skipIf(!hasTshark)('cross-check against tshark', () => {
  it.each(captures)('%s: flows, DNS names and SNI agree', (file) => {
    const path = join(PCAPS, file);
    const run = runCli(['replay', '-c', SAMPLE_CONFIG, '--no-progress', '-q', path]);
    const events = parseLines(run.stdout);

    // tshark side: sum packets and IP-layer bytes per unordered pair, per side.
    const want = new Map<string, [number, number, number, number]>();
    for (const [src4, dst4, len4, src6, dst6, plen6, tsp, tdp, usp, udp] of tshark(path, 'tcp or udp', ['ip.src', 'ip.dst', 'ip.len', 'ipv6.src', 'ipv6.dst', 'ipv6.plen', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport'])) {
      const v6 = !src4;
      const [s, d] = v6 ? [src6 ?? '', dst6 ?? ''] : [src4 ?? '', dst4 ?? ''];
      const bytes = v6 ? Number(plen6) + 40 : Number(len4);
      const tcp = !!tsp;
      const { key, aFirst } = pairKey(tcp ? 'tcp' : 'udp', s, tcp ? tsp! : usp!, d, tcp ? tdp! : udp!);
      const c = want.get(key) ?? [0, 0, 0, 0];
      if (aFirst) { c[0]++; c[1] += bytes; } else { c[2]++; c[3] += bytes; }
      want.set(key, c);
    }
    const got = new Map<string, [number, number, number, number]>();
    for (const f of dataset(events, 'flow')) {
      const { key, aFirst } = pairKey(String(get(f, 'network.transport')), String(get(f, 'source.ip')), String(get(f, 'source.port')), String(get(f, 'destination.ip')), String(get(f, 'destination.port')));
      const sp = Number(get(f, 'source.packets')), sb = Number(get(f, 'source.bytes'));
      const dp = Number(get(f, 'destination.packets')), db = Number(get(f, 'destination.bytes'));
      const c = got.get(key) ?? [0, 0, 0, 0];
      const add: [number, number, number, number] = aFirst ? [sp, sb, dp, db] : [dp, db, sp, sb];
      got.set(key, c.map((v, i) => v + (add[i] ?? 0)) as [number, number, number, number]);
    }
    expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));

    // Several DNS messages can share one TCP segment: take every occurrence.
    const dnsWant = tshark(path, 'dns.flags.response == 0', ['dns.qry.name'], 'a').flatMap((r) => (r[0] ?? '').split(';')).sort();
    const dnsGot = dataset(events, 'dns').map((d) => String(get(d, 'dns.question.name'))).sort();
    expect(dnsGot).toEqual(dnsWant);

    const sniWant = tshark(path, 'tls.handshake.type == 1', ['frame.number', 'tls.handshake.extensions_server_name']).map((r) => r[1] || '-').sort();
    const sniGot = dataset(events, 'tls').map((t) => String(get(t, 'tls.client.server_name') ?? '-')).sort();
    expect(sniGot).toEqual(sniWant);
  });
});
