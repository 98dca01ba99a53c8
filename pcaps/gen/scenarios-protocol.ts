/**
 * Decoder and reader scenarios (DNS over TCP, VLAN/QinQ/IPv6, pcapng with two interfaces, a cut
 * file) and ordinary browsing that must stay quiet.
 */
import type { Capture } from './capture.js';
import { GATEWAY_MAC, MS, SEC, T0, client, hostMac, httpExchange, openTls, portAllocator, resolve, tcpTo, tlsSend, type Client } from './common.js';
import { dnsFact, dnsOverUdp, encodeResponse, encodeQuery, type DnsQuestionSpec } from './dns.js';
import type { VlanTag } from './packet.js';
import type { Scenario } from './scenario.js';
import { openTcpSession, type TcpSessionOptions } from './tcp-session.js';

const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

/** A DNS/TCP message: 2-byte length prefix then the message. */
function framed(msg: Buffer): Buffer {
  const out = Buffer.alloc(2 + msg.length);
  out.writeUInt16BE(msg.length, 0);
  msg.copy(out, 2);
  return out;
}

/** 11. Two queries in one TCP segment; the first response split over two segments. */
export const dnsTcp: Scenario = {
  file: 'dns-tcp.pcap',
  description: 'DNS over TCP: one connection to the resolver, A and AAAA queries for www.wikipedia.org in one segment, the A response split over two segments, then the AAAA response.',
  build(cap) {
    const c = client(cap, '10.20.30.41');
    const tcp = tcpTo(c, c.resolver, 53, T0, 2 * MS, 100e6, 100e6);
    const s = openTcpSession(cap, tcp);
    const cname = { name: 'www.wikipedia.org', type: 'CNAME' as const, ttl: 3600, data: 'dyna.wikimedia.org' };
    const qa: DnsQuestionSpec = { id: c.dnsId(), name: 'www.wikipedia.org', type: 'A', answers: [cname, { name: 'dyna.wikimedia.org', type: 'A', ttl: 300, data: '185.15.59.224' }] };
    const q6: DnsQuestionSpec = { id: c.dnsId(), name: 'www.wikipedia.org', type: 'AAAA', answers: [cname, { name: 'dyna.wikimedia.org', type: 'AAAA', ttl: 300, data: '2a02:ec80:300:ed1a::1' }] };
    s.send('c', Buffer.concat([framed(encodeQuery(qa)), framed(encodeQuery(q6))]));
    const ra = framed(encodeResponse(qa));
    const split = 20;
    s.send('s', ra.subarray(0, split), { delayUs: 3 * MS });
    s.send('s', ra.subarray(split), { delayUs: 1 * MS });
    s.send('s', framed(encodeResponse(q6)), { delayUs: 1 * MS });
    cap.facts.dns.push(dnsFact(qa, c.ip, 'tcp'), dnsFact(q6, c.ip, 'tcp'));
    s.close('c', 5 * MS);
    return { alerts: [], notes: [`The A response (${ra.length} bytes with its length prefix) is cut after ${split} bytes; a reader must reassemble it.`] };
  },
};

/** One HTTPS page load on an open TLS session: a request, then a download of `bytes`. */
function pageLoad(s: ReturnType<typeof openTls>, cap: Capture, bytes: number): void {
  tlsSend(s, 'c', cap.rng.int(450, 900), 1 * MS, false);
  tlsSend(s, 's', bytes, cap.rng.int(20, 120) * MS);
}

/** 12. 802.1Q and QinQ tagged IPv4, IPv6 with hop-by-hop headers. */
export const vlanIpv6: Scenario = {
  file: 'vlan-ipv6.pcap',
  description: 'Tagged and IPv6 traffic: DNS + HTTPS on 802.1Q VLAN 100, HTTPS on QinQ (802.1ad 200 / 802.1Q 300), and an IPv6 host doing DNS AAAA (hop-by-hop header on the query) and HTTPS (hop-by-hop header on every third packet).',
  build(cap) {
    const v100: VlanTag[] = [{ tpid: 0x8100, id: 100 }];
    const qinq: VlanTag[] = [{ tpid: 0x88a8, id: 200 }, { tpid: 0x8100, id: 300 }];
    const a = client(cap, '10.30.100.15', '10.30.0.2');
    const q: DnsQuestionSpec = { id: a.dnsId(), name: 'www.example.org', type: 'A', answers: [{ name: 'www.example.org', type: 'A', ttl: 1800, data: '93.184.215.14' }] };
    let t = dnsOverUdp(cap, q, { clientIp: a.ip, clientMac: a.mac, clientPort: a.port(), resolverIp: a.resolver, resolverMac: GATEWAY_MAC, at: T0, rttUs: 900, vlans: v100 });
    const s1 = openTls(cap, tcpTo(a, '93.184.215.14', 443, t + 200, 24 * MS, 30e6, 60e6, { vlans: v100 }), { sni: 'www.example.org', alpn: ['h2', 'http/1.1'], profile: 'chrome' });
    pageLoad(s1, cap, 48_000);
    s1.close('c', 2 * SEC);
    const b = client(cap, '10.30.44.9', '10.30.0.2');
    const s2 = openTls(cap, tcpTo(b, '140.82.112.6', 443, T0 + 300 * MS, 70 * MS, 30e6, 60e6, { vlans: qinq }), { sni: 'api.github.com', alpn: ['h2', 'http/1.1'], profile: 'chrome' });
    pageLoad(s2, cap, 12_000);
    s2.close('c', 1 * SEC);
    const v6: Client = { ip: '2001:db8:10::25', mac: hostMac(0x1025), resolver: '2001:db8:10::53', port: portAllocator(cap), dnsId: () => cap.rng.int(1, 0xffff) };
    const server6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';
    const q6: DnsQuestionSpec = { id: v6.dnsId(), name: 'www.example.org', type: 'AAAA', answers: [{ name: 'www.example.org', type: 'AAAA', ttl: 1800, data: server6 }] };
    t = dnsOverUdp(cap, q6, { clientIp: v6.ip, clientMac: v6.mac, clientPort: v6.port(), resolverIp: v6.resolver, resolverMac: GATEWAY_MAC, at: T0 + 600 * MS, rttUs: 1100, hopByHop: true });
    const s3 = openTls(cap, tcpTo(v6, server6, 443, t + 200, 26 * MS, 30e6, 60e6, { hopByHopEvery: 3 }), { sni: 'www.example.org', alpn: ['h2', 'http/1.1'], profile: 'chrome' });
    pageLoad(s3, cap, 64_000);
    s3.close('c', 1 * SEC);
    return { alerts: [], notes: ['Flow `vlan` is the outermost tag (200 for QinQ).', 'IPv6 IP bytes are payload length + 40 and include the 8-byte hop-by-hop header where present.'] };
  },
};

/** A small HTTP GET exchange on a fresh connection (used by two-interfaces and truncated). */
function smallGet(cap: Capture, tcp: TcpSessionOptions, host: string, path: string, bodyBytes: number): void {
  const s = openTcpSession(cap, tcp);
  httpExchange(cap, s, tcp, {
    method: 'GET', target: path, host, userAgent: 'curl/8.5.0', headers: ['User-Agent: curl/8.5.0', 'Accept: */*'], bodyBytes: 0,
    response: { code: 200, reason: 'OK', headers: ['Content-Type: text/html; charset=UTF-8', 'Cache-Control: max-age=604800'], body: `<!doctype html><html><body>${'x'.repeat(bodyBytes)}</body></html>\n` },
    serverDelayUs: 8 * MS,
  });
  s.close('c', 1 * MS);
}

/** 13. pcapng with an Ethernet interface (µs) and a raw-IP interface (ns). */
export const twoInterfaces: Scenario = {
  file: 'two-interfaces.pcapng',
  description: 'pcapng with two interfaces: eth0 (Ethernet, if_tsresol 6) and tun0 (LINKTYPE_RAW 101, if_tsresol 9, sub-microsecond digits); each carries one DNS exchange and one small HTTP session.',
  pcapng: [
    { linkType: 1, tsresol: 6, name: 'eth0', snapLen: 262144 },
    { linkType: 101, tsresol: 9, name: 'tun0', snapLen: 262144 },
  ],
  build(cap) {
    const e = client(cap, '10.20.30.41');
    let t = resolve(cap, e, 'example.com', '93.184.215.14', T0);
    smallGet(cap, tcpTo(e, '93.184.215.14', 80, t + 200, 20 * MS, 50e6, 50e6), 'example.com', '/', 900);
    const r = client(cap, '10.8.0.6', '10.8.0.1');
    const q: DnsQuestionSpec = { id: r.dnsId(), name: 'intranet.example.net', type: 'A', answers: [{ name: 'intranet.example.net', type: 'A', ttl: 600, data: '10.99.1.20' }] };
    t = dnsOverUdp(cap, q, { clientIp: r.ip, clientMac: r.mac, clientPort: r.port(), resolverIp: r.resolver, resolverMac: GATEWAY_MAC, at: T0 + 137.25 * MS, rttUs: 2345.678, link: 'raw', interfaceId: 1 });
    smallGet(cap, tcpTo(r, '10.99.1.20', 8080, t + 180.5, 3.3 * MS, 20e6, 20e6, { link: 'raw', interfaceId: 1 }), 'intranet.example.net:8080', '/status', 300);
    return { alerts: [], notes: ['Times are µs since epoch, rounded down from the nanosecond interface.'] };
  },
};

/** 14. A small capture cut in the middle of a record. */
export const truncated: Scenario = {
  file: 'truncated.pcap',
  description: 'A DNS lookup and a small HTTP GET, with the file cut in the middle of a record: a reader must return every complete record, then report the cut.',
  cutAtFraction: 0.6,
  build(cap) {
    const c = client(cap, '10.20.30.41');
    const t = resolve(cap, c, 'example.com', '93.184.215.14', T0);
    smallGet(cap, tcpTo(c, '93.184.215.14', 80, t + 200, 20 * MS, 50e6, 50e6), 'example.com', '/', 4000);
    return { alerts: [], notes: ['Flows, DNS, HTTP facts list everything the generator wrote; flow counts cover only the complete records (see truncation).'] };
  },
};

/** 15. Ordinary browsing: must stay quiet. */
export const benignMix: Scenario = {
  file: 'benign-mix.pcap',
  description: 'Ordinary browsing from 192.168.1.23 for about a minute: DNS, HTTPS sessions with modest downloads (12 kB to 2.5 MB), one small HTTPS POST, one cleartext HTTP GET: must stay quiet.',
  build(cap) {
    const c = client(cap, '192.168.1.23', '192.168.1.1');
    const sites: [string, string, number[]][] = [
      ['www.wikipedia.org', '185.15.59.224', [80_000, 35_000]],
      ['upload.wikimedia.org', '185.15.59.240', [1_200_000, 420_000]],
      ['www.google.com', '142.250.185.68', [42_000]],
      ['fonts.gstatic.com', '142.250.185.67', [150_000]],
      ['github.com', '140.82.121.4', [310_000, 12_000]],
      ['www.bbc.co.uk', '151.101.0.81', [2_500_000]],
    ];
    let t = T0;
    for (const [name, ip, loads] of sites) {
      const answered = resolve(cap, c, name, ip, t, 300);
      const s = openTls(cap, tcpTo(c, ip, 443, answered + 150, cap.rng.int(12, 45) * MS, 20e6, 80e6), { sni: name, alpn: ['h2', 'http/1.1'], profile: 'chrome' });
      for (const n of loads) pageLoad(s, cap, n);
      if (name === 'www.google.com') {
        tlsSend(s, 'c', 2_100, 400 * MS, false);
        tlsSend(s, 's', 300, 60 * MS, false);
      }
      s.close('c', 4 * SEC);
      t += cap.rng.int(4, 12) * SEC;
    }
    const answered = resolve(cap, c, 'neverssl.com', '34.223.124.45', t, 60);
    const tcp = tcpTo(c, '34.223.124.45', 80, answered + 150, 80 * MS, 20e6, 80e6);
    const s = openTcpSession(cap, tcp);
    httpExchange(cap, s, tcp, {
      method: 'GET', target: '/', host: 'neverssl.com', userAgent: CHROME_UA,
      headers: ['Connection: keep-alive', 'Upgrade-Insecure-Requests: 1', `User-Agent: ${CHROME_UA}`, 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'Accept-Encoding: gzip, deflate', 'Accept-Language: en-GB,en;q=0.9'],
      bodyBytes: 0,
      response: { code: 200, reason: 'OK', headers: ['Server: Apache/2.4.62 ()', 'Content-Type: text/html; charset=UTF-8'], body: `<html><head><title>NeverSSL</title></head><body>${'<p>This website is for when you try to open Facebook, Google or Amazon on a wifi network.</p>'.repeat(24)}</body></html>` },
      serverDelayUs: 10 * MS,
    });
    s.close('c', 3 * SEC);
    return { alerts: [], notes: ['Every flow is download-dominant or tiny; no destination is a storage service.'] };
  },
};
