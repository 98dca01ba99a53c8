import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS, replayCapture } from './corpus-driver.js';

/**
 * The observers on real captures from the shared corpus, compared with the tshark-derived manifest.
 * The captures are fed by a tshark-based stand-in for the flow table (see corpus-driver.ts).
 */
interface Entry { file: string; expected: Record<string, unknown[] | undefined> }
const manifest = JSON.parse(readFileSync(`${CORPUS}manifest.json`, 'utf8')) as { entries: Entry[] };
const entry = (name: string): Entry => {
  const e = manifest.entries.find((x) => x.file.endsWith(name));
  if (e === undefined) throw new Error(`not in manifest: ${name}`);
  return e;
};
const list = <T>(e: Entry, key: string): T[] => (e.expected[key] ?? []) as T[];
const sorted = (xs: string[]): string[] => [...xs].sort();

describe('corpus captures', () => {
  it.each([
    'suricata__dns__dns-tcp-www-google-com__dns.pcap', 'zeek__dns__long-connection.pcap', 'suricata__dns__bug-1158__input.pcap',
    'zeek__dns-svcb.pcap', 'suricata__dns__dns-udp-eve-txt__input.pcap',
  ])('DNS %s: every query name of the manifest, one transaction per query/response pair', (name) => {
    const e = entry(name);
    const msgs = list<{ proto: string; qr: string; queries?: { name: string }[] }>(e, 'dns').filter((d) => d.proto === 'dns');
    const r = replayCapture(e.file);
    const tx = r.events.flatMap((x) => (x.type === 'dns' ? [x.dns] : []));
    expect(new Set(tx.map((t) => t.questionName))).toEqual(new Set(msgs.map((d) => d.queries?.[0]?.name ?? '')));
    expect(tx.length).toBe(Math.max(msgs.filter((d) => d.qr === 'query').length, msgs.filter((d) => d.qr === 'response').length));
    expect(r.counters.get('dns.decode_error')).toBe(0);
  });

  it.each(['zeek__dns__max-compression-depth.pcap', 'tcpdump__dns-zlip-1.pcap', 'ndpi__malformed_dns.pcap'])(
    'DNS %s: malformed messages are counted, not thrown', (name) => {
      const r = replayCapture(entry(name).file);
      expect(Object.keys(r.counters.snapshot()).every((k) => k.startsWith('dns.'))).toBe(true);
    });

  it.each([
    'zeek__tls__tls-fragmented-handshake.pcap', 'ndpi__tls_with_huge_ch.pcapng', 'suricata__tls__tls-client-hello-frag-01__dump_mtu300.pcap',
    'zeek__tls__hrr.pcap', 'ndpi__netflix.pcap', 'zeek__tls__tls13-ech.pcap',
  ])('TLS %s: the SNI of every ClientHello, as tshark reads it', (name) => {
    const e = entry(name);
    const want = list<{ sni: string | null; transport: string }>(e, 'tls_client_hello').filter((t) => t.transport === 'tcp').map((t) => String(t.sni ?? ''));
    const r = replayCapture(e.file);
    const got = r.events.flatMap((x) => (x.type === 'tls' ? [x.tls.serverName ?? ''] : []));
    expect(sorted(got)).toEqual(sorted(want));
  });

  it.each([
    'zeek__http__pipelined-requests.pcap', 'zeek__http__100-continue.pcap', 'zeek__http__http-post-large.pcap',
    'suricata__http-post-file__input.pcap', 'zeek__http__1000-requests-one-dropped-response.pcap',
  ])('HTTP %s: method, Host and target of every request', (name) => {
    const e = entry(name);
    const want = list<{ method: string; host: string | null; uri: string }>(e, 'http_requests').map((h) => `${h.method} ${h.host ?? ''} ${h.uri}`);
    const r = replayCapture(e.file);
    const got = r.events.flatMap((x) => (x.type === 'http' ? [`${x.http.method} ${x.http.host ?? ''} ${x.http.target}`] : []));
    expect(sorted(got)).toEqual(sorted(want));
  });

  it('HTTP zeek__http__http-post-large.pcap: body bytes follow Content-Length', () => {
    const r = replayCapture(entry('zeek__http__http-post-large.pcap').file);
    const posts = r.events.flatMap((x) => (x.type === 'http' && x.http.method === 'POST' ? [x.http] : []));
    expect(posts.length).toBeGreaterThan(0);
    for (const p of posts) expect(p.bodyBytes).toBe(p.contentLength);
  });

  it.each(['suricata__ftp__ftp-upload-passive__input.pcap', 'suricata__ftp__ftp-upload-active__input.pcap', 'suricata__ftp-epsv__input.pcap', 'zeek__ftp__ipv6.pcap'])(
    'FTP %s: every command, and one data expectation per PASV/EPSV/PORT/EPRT', (name) => {
      const e = entry(name);
      const want = list<{ command: string; arg: string | null }>(e, 'ftp_commands').map((c) => `${c.command} ${c.arg ?? ''}`);
      const r = replayCapture(e.file);
      const got = r.events.flatMap((x) => (x.type === 'ftp' ? [`${x.ftp.command} ${x.ftp.argument}`] : []));
      expect(got).toEqual(want);
      const announcing = got.filter((c) => /^(PASV|EPSV|PORT|EPRT)\b/.test(c)).length;
      // one per announcement, two when the announced address is not the control peer (NAT)
      expect(r.expects.length).toBeGreaterThanOrEqual(announcing);
      expect(r.expects.length).toBeLessThanOrEqual(2 * announcing);
      expect(r.expects.every((x) => x.app === 'ftp-data' && x.serverPort > 0)).toBe(true);
    });
});
