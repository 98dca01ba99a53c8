/**
 * Writes the benchmark's realistic traffic mix as one classic pcap (Ethernet, microsecond stamps,
 * every frame whole): tens of thousands of DNS lookups and TCP connections from a few hundred internal
 * hosts — HTTPS page loads (ClientHello with SNI), cleartext HTTP GETs and POSTs, medium downloads,
 * DNS over TCP, a few large uploads — with some IPv6 and 802.1Q / QinQ tagged hosts.
 *
 * Frames come from the project's capture builder (pcaps/gen/). Sessions are generated one at a time
 * in start-time order and their frames held in a pending list; every frame older than the next
 * session's start can no longer be preceded by anything new, so it is sorted and written out. Memory
 * therefore holds only the frames of sessions still running (bounded by the longest upload), never the
 * file. Seeded: the same seed and size write the same bytes.
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import type { Capture } from '../pcaps/gen/capture.js';
import { GATEWAY_MAC, MS, SEC, T0, hostMac, openTls, portAllocator, tlsSend } from '../pcaps/gen/common.js';
import { dnsOverUdp, encodeQuery, encodeResponse, type DnsQuestionSpec } from '../pcaps/gen/dns.js';
import { createCapture } from '../pcaps/gen/capture.js';
import type { BuiltFrame, VlanTag } from '../pcaps/gen/packet.js';
import { encodePcap, PCAP_RECORD_HEADER_BYTES } from '../pcaps/gen/pcap-writer.js';
import type { Rng } from '../pcaps/gen/prng.js';
import { openTcpSession, type TcpSession, type TcpSessionOptions } from '../pcaps/gen/tcp-session.js';

/** What to write. */
export interface MixOptions {
  /** stop once the file holds at least this many bytes */
  readonly targetBytes: number;
  /** PRNG seed (32-bit) */
  readonly seed: number;
}

/** What was written. */
export interface MixStats {
  readonly bytes: number;
  readonly packets: number;
  /** frame bytes on the wire (sum of orig_len) */
  readonly frameBytes: number;
  readonly tcpSessions: number;
  readonly dnsUdpLookups: number;
  readonly ipv6Packets: number;
  readonly vlanPackets: number;
  readonly largeUploads: number;
  /** first and last packet time, µs */
  readonly firstTs: number;
  readonly lastTs: number;
}

const CHUNK_BYTES = 8 << 20;
/** new sessions per simulated second (Poisson arrivals) */
const SESSIONS_PER_SEC = 160;
const HOSTS = 400;
const NAMES = 2500;
/** one large upload every this many sessions */
const UPLOAD_EVERY = 12_000;
const FULL_FRAMES = 65535;

interface Host {
  readonly ip: string;
  readonly mac: string;
  readonly resolver: string;
  readonly v6: boolean;
  readonly vlans?: readonly VlanTag[];
  readonly port: () => number;
}

interface Site {
  readonly name: string;
  readonly v4: string;
  readonly v6: string;
}

interface Pending {
  readonly exact: number;
  readonly order: number;
  readonly frame: BuiltFrame;
}

const WORDS = ['news', 'cdn', 'api', 'static', 'img', 'mail', 'shop', 'video', 'docs', 'auth', 'app', 'media', 'assets', 'files', 'edge', 'login'];
const TLDS = ['com', 'net', 'org', 'io', 'de', 'co.uk'];
const UAS = ['curl/8.5.0', 'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0', 'python-requests/2.31.0', 'Wget/1.21.3'];

function makeSites(rng: Rng): Site[] {
  const sites: Site[] = [];
  for (let i = 0; i < NAMES; i++) {
    const name = `${rng.pick(WORDS)}${i}.${rng.pick(WORDS)}-${rng.int(1, 999)}.${rng.pick(TLDS)}`;
    // public, non-reserved first octets
    const a = rng.pick([23, 34, 44, 52, 64, 93, 104, 142, 151, 157, 172, 185, 199, 205]);
    const b = a === 172 ? rng.int(64, 127) : rng.int(0, 255);
    sites.push({ name, v4: `${a}.${b}.${rng.int(0, 255)}.${rng.int(1, 254)}`, v6: `2a00:${(0x1450 + (i >> 8)).toString(16)}::${(i & 0xff).toString(16)}:1` });
  }
  return sites;
}

function makeHosts(cap: Capture): Host[] {
  const hosts: Host[] = [];
  for (let i = 0; i < HOSTS; i++) {
    const mac = hostMac(0x1000 + i);
    const port = portAllocator(cap);
    const r = i % 20;
    if (r === 0 || r === 1) {
      hosts.push({ ip: `fd00:20::${(i + 16).toString(16)}`, mac, resolver: 'fd00:20::2', v6: true, port });
    } else if (r === 2 || r === 3) {
      hosts.push({ ip: `10.30.${100 + (i & 7)}.${(i % 250) + 3}`, mac, resolver: '10.30.0.2', v6: false, vlans: [{ tpid: 0x8100, id: 100 + (i & 7) }], port });
    } else if (r === 4) {
      hosts.push({ ip: `10.40.1.${(i % 250) + 3}`, mac, resolver: '10.40.0.2', v6: false, vlans: [{ tpid: 0x88a8, id: 200 }, { tpid: 0x8100, id: 300 }], port });
    } else {
      hosts.push({ ip: `10.20.${(i >> 7) + 1}.${(i & 0x7f) + 2}`, mac, resolver: '10.20.0.2', v6: false, port });
    }
  }
  return hosts;
}

// a heavy-tailed size: median `median` bytes, capped
function sizeFrom(rng: Rng, median: number, cap: number): number {
  const u = Math.max(1e-9, rng.float());
  const v = Math.max(1e-9, rng.float());
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(200, Math.min(cap, Math.round(median * Math.exp(1.3 * normal))));
}

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** Writes the mix to `path` (through `path.tmp`, renamed when complete). */
export function generateMix(path: string, o: MixOptions): MixStats {
  const base = createCapture(o.seed);
  const rng = base.rng;
  let pending: Pending[] = [];
  let order = 0;
  const cap: Capture = {
    rng,
    pool: base.pool,
    facts: base.facts,
    add(ts: number, frame: BuiltFrame) {
      pending.push({ exact: ts, order: order++, frame });
    },
    records: () => [],
  };
  const sites = makeSites(rng);
  const hosts = makeHosts(cap);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  let bytes = 0;
  let packets = 0;
  let frameBytes = 0;
  let ipv6Packets = 0;
  let vlanPackets = 0;
  let firstTs = -1;
  let lastTs = 0;

  const put = (b: Uint8Array): void => {
    if (used + b.length > CHUNK_BYTES) {
      writeSync(fd, chunk, 0, used);
      used = 0;
    }
    chunk.set(b, used);
    used += b.length;
    bytes += b.length;
  };
  put(encodePcap([], 1, FULL_FRAMES));
  const rec = Buffer.alloc(PCAP_RECORD_HEADER_BYTES);
  const writeRecord = (p: Pending): void => {
    const ts = Math.floor(p.exact);
    const d = p.frame.data;
    rec.writeUInt32LE(Math.floor(ts / 1e6), 0);
    rec.writeUInt32LE(ts % 1e6, 4);
    rec.writeUInt32LE(d.length, 8);
    rec.writeUInt32LE(p.frame.origLen, 12);
    put(rec);
    put(d);
    packets++;
    frameBytes += p.frame.origLen;
    if (firstTs < 0) firstTs = ts;
    lastTs = ts;
    const et = (d[12] ?? 0) * 256 + (d[13] ?? 0);
    if (et === 0x8100 || et === 0x88a8) vlanPackets++;
    else if (et === 0x86dd) ipv6Packets++;
  };
  // every frame before `before` is final: no later session starts earlier
  const flush = (before: number): void => {
    pending.sort((a, b) => a.exact - b.exact || a.order - b.order);
    let i = 0;
    for (; i < pending.length; i++) {
      const p = pending[i]!;
      if (p.exact >= before) break;
      writeRecord(p);
    }
    pending = pending.slice(i);
    cap.facts.dns.length = 0;
    cap.facts.tls.length = 0;
    cap.facts.http.length = 0;
    cap.facts.ftp.length = 0;
  };

  let t = T0;
  let tcpSessions = 0;
  let dnsUdpLookups = 0;
  let largeUploads = 0;
  const pickSite = (): Site => sites[Math.floor(rng.float() ** 2.5 * sites.length)] ?? sites[0]!;
  const dnsLookup = (h: Host, name: string, answer: string, at: number): number => {
    dnsUdpLookups++;
    const q: DnsQuestionSpec = { id: rng.int(1, 0xffff), name, type: h.v6 ? 'AAAA' : 'A', answers: [{ name, type: h.v6 ? 'AAAA' : 'A', ttl: rng.int(30, 3600), data: answer }] };
    return dnsOverUdp(cap, q, {
      clientIp: h.ip, clientMac: h.mac, clientPort: h.port(), resolverIp: h.resolver, resolverMac: GATEWAY_MAC, at,
      rttUs: rng.int(400, 30_000), ...(h.vlans ? { vlans: h.vlans } : {}),
    });
  };
  const tcpOpts = (h: Host, ip: string, port: number, start: number, rttMs: [number, number], up: number, down: number): TcpSessionOptions => ({
    client: { ip: h.ip, port: h.port(), mac: h.mac }, server: { ip, port, mac: GATEWAY_MAC }, start,
    rttUs: rng.int(rttMs[0] * 1000, rttMs[1] * 1000), upBps: up, downBps: down, snapLen: FULL_FRAMES,
    ...(h.vlans ? { vlans: h.vlans } : {}),
  });
  const download = (s: TcpSession, n: number, delayUs: number): void => {
    s.stream('s').pushRandom(n);
    s.send('s', s.stream('s').remaining, { delayUs });
  };

  for (let n = 0; bytes < o.targetBytes; n++) {
    t += (-Math.log(1 - rng.float()) / SESSIONS_PER_SEC) * SEC;
    if (n % 200 === 0) flush(t);
    const h = hosts[rng.int(0, hosts.length - 1)]!;
    const site = pickSite();
    const addr = h.v6 ? site.v6 : site.v4;
    const kind = rng.float();
    if (n > 0 && n % UPLOAD_EVERY === 0) {
      // a large TLS upload (backup tool or rclone-like), 30–60 MB at 100–300 Mbit/s
      largeUploads++;
      const name = rng.pick(['gfs262n301.userstorage.mega.co.nz', 'backup-bucket.s3.eu-west-1.amazonaws.com', 'upload.example-drive.com']);
      const at = dnsLookup(h, name, h.v6 ? '2a00:1450::77' : `31.216.${rng.int(144, 150)}.${rng.int(2, 250)}`, t);
      const s = openTls(cap, tcpOpts(h, h.v6 ? '2a00:1450::77' : `31.216.147.${rng.int(2, 250)}`, 443, at, [8, 30], rng.int(100, 300) * 1e6, 500e6), { sni: name, alpn: [], profile: 'go' });
      tlsSend(s, 'c', rng.int(30, 60) * 1_000_000, 1 * MS, false);
      tlsSend(s, 's', 300, 20 * MS, false);
      s.close('c');
      tcpSessions++;
    } else if (kind < 0.5) {
      // a lookup whose connection is not in the capture (cached elsewhere, UDP service, failure)
      dnsLookup(h, site.name, addr, t);
    } else if (kind < 0.51) {
      // DNS over TCP to the resolver
      const q: DnsQuestionSpec = { id: rng.int(1, 0xffff), name: site.name, type: 'A', answers: [{ name: site.name, type: 'A', ttl: 300, data: site.v4 }] };
      const s = openTcpSession(cap, tcpOpts(h, h.resolver, 53, t, [1, 3], 100e6, 100e6));
      const framed = (m: Buffer): Buffer => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]);
      s.send('c', framed(encodeQuery(q)));
      s.send('s', framed(encodeResponse(q)), { delayUs: rng.int(1, 20) * MS });
      s.close('c', 5 * MS);
      tcpSessions++;
    } else {
      const at = rng.float() < 0.6 ? dnsLookup(h, site.name, addr, t) : t;
      const rtt: [number, number] = [5, 120];
      const down = rng.int(20, 400) * 1e6;
      const up = rng.int(10, 100) * 1e6;
      tcpSessions++;
      if (kind < 0.6) {
        // a chatty long-lived TLS connection (push channel, API polling): many small messages each way
        const s = openTls(cap, tcpOpts(h, addr, 443, at, rtt, up, down), { sni: site.name, alpn: ['http/1.1'], profile: 'go' });
        const messages = rng.int(10, 40);
        for (let i = 0; i < messages; i++) {
          tlsSend(s, 'c', rng.int(60, 400), rng.int(50, 2000) * MS, false);
          tlsSend(s, 's', rng.int(40, 600), rng.int(5, 80) * MS, false);
        }
        s.close('c', rng.int(1, 500) * MS);
      } else if (kind < 0.86) {
        // HTTPS: 1–5 request/response exchanges, heavy-tailed page sizes, some medium downloads
        const s = openTls(cap, tcpOpts(h, addr, 443, at, rtt, up, down), { sni: site.name, alpn: ['h2', 'http/1.1'], profile: rng.float() < 0.8 ? 'chrome' : 'go' });
        const exchanges = rng.int(1, 5);
        for (let i = 0; i < exchanges; i++) {
          tlsSend(s, 'c', rng.int(300, 900), rng.int(1, 30) * MS, false);
          tlsSend(s, 's', rng.float() < 0.01 ? sizeFrom(rng, 100_000, 3_000_000) : sizeFrom(rng, 2_000, 200_000), rng.int(5, 80) * MS, false);
        }
        s.close(rng.float() < 0.7 ? 'c' : 's', rng.int(1, 500) * MS);
      } else {
        // cleartext HTTP: a GET with a small-to-medium response, or a POST of a form or file
        const post = kind >= 0.97;
        const body = post ? sizeFrom(rng, 10_000, 500_000) : 0;
        const s = openTcpSession(cap, tcpOpts(h, addr, 80, at, rtt, up, down));
        const head = `${post ? 'POST' : 'GET'} /${rng.pick(WORDS)}/${rng.int(1, 99999)}${post ? '' : '.html'} HTTP/1.1\r\nHost: ${site.name}\r\nUser-Agent: ${rng.pick(UAS)}\r\nAccept: */*\r\n${post ? `Content-Type: application/octet-stream\r\nContent-Length: ${body}\r\n` : ''}\r\n`;
        s.stream('c').pushBytes(enc(head));
        if (post) s.stream('c').pushRandom(body);
        s.send('c', head.length + body);
        const respBody = post ? 40 : sizeFrom(rng, 4_000, 300_000);
        const respHead = enc(`HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: ${respBody}\r\n\r\n`);
        s.stream('s').pushBytes(respHead);
        download(s, respBody, rng.int(5, 60) * MS);
        s.close('c', rng.int(1, 200) * MS);
      }
    }
  }
  flush(Infinity);
  if (used > 0) writeSync(fd, chunk, 0, used);
  closeSync(fd);
  renameSync(tmp, path);
  return { bytes, packets, frameBytes, tcpSessions, dnsUdpLookups, ipv6Packets, vlanPackets, largeUploads, firstTs, lastTs };
}
