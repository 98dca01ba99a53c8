import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isGrease, ja4 } from '../../src/app/ja4.js';
import { createTlsObserver, versionName } from '../../src/app/tls.js';
import { parseClientHello } from '../../src/app/tls-hello.js';
import type { TlsClientHello } from '../../src/core/types.js';
import { endpoints, hex, recorder } from './harness.js';

const u16 = (n: number): string => n.toString(16).padStart(4, '0');
const u8 = (n: number): string => n.toString(16).padStart(2, '0');
const ext = (type: number, body: string): string => `${u16(type)}${u16(body.length / 2)}${body}`;
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

/** A ClientHello body built field by field. */
function helloBody(opts: { sni?: string; alpn?: string[]; versions?: number[]; ciphers?: number[]; sigs?: number[] } = {}): string {
  const ciphers = (opts.ciphers ?? [0x0a0a, 0x1301, 0x1302, 0xc02b]).map(u16).join('');
  const exts: string[] = [ext(0x3a3a, '')]; // a GREASE extension first, as Chrome sends
  if (opts.sni !== undefined) {
    const name = ascii(opts.sni);
    const entry = `00${u16(name.length / 2)}${name}`; // host_name(0), length, name
    exts.push(ext(0x0000, `${u16(entry.length / 2)}${entry}`));
  }
  exts.push(ext(0x000a, '0004001d0017')); // supported_groups: x25519, secp256r1
  if (opts.alpn !== undefined) {
    const list = opts.alpn.map((p) => `${u8(p.length)}${ascii(p)}`).join('');
    exts.push(ext(0x0010, `${u16(list.length / 2)}${list}`));
  }
  if (opts.sigs !== undefined) {
    const list = opts.sigs.map(u16).join('');
    exts.push(ext(0x000d, `${u16(list.length / 2)}${list}`));
  }
  if (opts.versions !== undefined) {
    const list = opts.versions.map(u16).join('');
    exts.push(ext(0x002b, `${u8(list.length / 2)}${list}`));
  }
  const extBytes = exts.join('');
  return [
    '0303', // legacy_version TLS 1.2
    '11'.repeat(32), // random
    '00', // session id length 0
    u16(ciphers.length / 2), ciphers,
    '0100', // one compression method: null
    u16(extBytes.length / 2), extBytes,
  ].join('');
}

/** handshake header (type 1, 24-bit length) + body */
const handshake = (body: string, type = 1): Buffer => hex(`${u8(type)}00${u16(body.length / 2)}${body}`);
/** TLS records of type 22 carrying `bytes`, cut into records at the given sizes */
function records(bytes: Buffer, sizes: number[] = [bytes.length]): Buffer {
  const out: Buffer[] = [];
  let off = 0;
  for (const n of sizes) {
    const part = bytes.subarray(off, off + n);
    off += n;
    out.push(hex(`160301${u16(part.length)}`), part); // handshake record, record version TLS 1.0
  }
  return Buffer.concat(out);
}

const hellos = (r: ReturnType<typeof recorder>): TlsClientHello[] => r.events.flatMap((e) => (e.type === 'tls' ? [e.tls] : []));

describe('JA4', () => {
  it('matches a published fingerprint (Chrome 143, browserleaks ja4 / ja4_ro)', () => {
    // ja4_ro: t13d1516h2_<ciphers in wire order>_<extensions in wire order>_<signature algorithms>
    const ciphers = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
    const extensions = [0x002d, 0x0033, 0x0010, 0xfe0d, 0x0017, 0x44cd, 0x0000, 0x000b, 0x000a, 0x002b, 0xff01, 0x0023, 0x0012, 0x0005, 0x000d, 0x001b];
    const sigs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];
    expect(ja4({
      transport: 't', legacyVersion: 0x0303, supportedVersions: [0x7a7a, 0x0304, 0x0303],
      ciphers: [0x8a8a, ...ciphers], extensions: [0xcaca, ...extensions], alpn: [Buffer.from('h2'), Buffer.from('http/1.1')],
      signatureAlgorithms: sigs,
    })).toBe('t13d1516h2_8daaf6152771_d8a2da3f94cd');
  });

  it('handles no SNI, no ALPN, no signature algorithms and a non-alphanumeric ALPN (hand-worked)', () => {
    // ciphers sorted "002f,0035" -> sha256 prefix; extensions "000a" alone (no '_' without sigalgs)
    const fp = ja4({ transport: 't', legacyVersion: 0x0301, supportedVersions: [], ciphers: [0x0035, 0x002f], extensions: [0x000a], alpn: [], signatureAlgorithms: [] });
    const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);
    expect(fp).toBe(`t10i020100_${sha('002f,0035')}_${sha('000a')}`);
    const odd = ja4({ transport: 't', legacyVersion: 0x0303, supportedVersions: [], ciphers: [], extensions: [], alpn: [Buffer.from([0xab, 0x63, 0x01])], signatureAlgorithms: [] });
    expect(odd).toBe('t12i0000a1_000000000000_000000000000');
  });

  it('recognises GREASE values', () => {
    expect([0x0a0a, 0x1a1a, 0xfafa].every(isGrease)).toBe(true);
    expect([0x0a1a, 0x1301, 0x0000].some(isGrease)).toBe(false);
  });
});

describe('ClientHello parser', () => {
  it('extracts SNI, ALPN, versions, and reports truncation as an anomaly', () => {
    const body = hex(helloBody({ sni: 'upload.example.org', alpn: ['h2', 'http/1.1'], versions: [0x2a2a, 0x0304, 0x0303], sigs: [0x0403] }));
    const r = parseClientHello(body);
    expect(r.ok && r.hello.serverName).toBe('upload.example.org');
    expect(r.ok && r.hello.alpnNames).toEqual(['h2', 'http/1.1']);
    expect(r.ok && r.hello.supportedVersions).toEqual([0x2a2a, 0x0304, 0x0303]);
    expect(parseClientHello(body.subarray(0, 40))).toEqual({ ok: false, anomaly: 'client_hello_truncated' });
    expect(parseClientHello(body.subarray(0, body.length - 1))).toEqual({ ok: false, anomaly: 'client_hello_truncated' });
    // the extensions block is whole but its last extension claims one byte more than is left
    const bad = Buffer.from(body);
    const at = bad.length - 7 - 2; // supported_versions is last: 2-byte length, then 7 bytes of data
    bad.writeUInt16BE(bad.readUInt16BE(at) + 1, at);
    expect(parseClientHello(bad)).toEqual({ ok: false, anomaly: 'extension_truncated' });
    expect(versionName(0x0304)).toBe('1.3');
    expect(versionName(0x7f1c)).toBe('1.3-draft28');
  });
});

describe('tls observer', () => {
  const body = helloBody({ sni: 'bucket.s3.amazonaws.com', alpn: ['http/1.1'], versions: [0x0304, 0x0303], sigs: [0x0804, 0x0403] });

  it('accepts a handshake record on any port, and nothing else', () => {
    const o = createTlsObserver();
    const bytes = records(handshake(body));
    expect(o.accepts(endpoints('tcp', 8443), 'orig', bytes)).toBe(true);
    expect(o.accepts(endpoints('tcp', 443), 'orig', Buffer.from('GET / HTTP/1.1\r\n'))).toBe(false);
    expect(o.accepts(endpoints('udp', 443), 'orig', bytes)).toBe(false);
    expect(o.accepts(endpoints('tcp', 443), 'orig', hex('160305'))).toBe(false);
  });

  it('reassembles a ClientHello split over 3 TCP segments', () => {
    const o = createTlsObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 443), r);
    const bytes = records(handshake(body));
    expect(o.data(s, 'orig', bytes.subarray(0, 3), 10, false)).toBe(true); // inside the record header
    expect(o.data(s, 'orig', bytes.subarray(3, 60), 11, false)).toBe(true);
    expect(hellos(r)).toHaveLength(0);
    o.data(s, 'orig', bytes.subarray(60), 12, false);
    expect(hellos(r)).toHaveLength(1);
    expect(hellos(r)[0]).toMatchObject({ serverName: 'bucket.s3.amazonaws.com', alpn: ['http/1.1'], version: '1.3', ts: 12 });
    // 3 ciphers (GREASE dropped), 5 extensions (GREASE dropped), ALPN 'h' + '1'
    expect(hellos(r)[0]?.ja4.slice(0, 10)).toBe('t13d0305h1');
    expect(r.names).toEqual(['bucket.s3.amazonaws.com']);
    expect(r.apps).toEqual(['tls']);
  });

  it('reassembles a handshake message split over 2 TLS records, and stops after the ServerHello', () => {
    const o = createTlsObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 443), r);
    const hs = handshake(body);
    expect(o.data(s, 'orig', records(hs, [50, hs.length - 50]), 1, false)).toBe(true);
    expect(hellos(r)).toHaveLength(1);
    // a plain ServerHello (random not the HRR value): nothing more to learn
    const sh = records(handshake(`0303${'22'.repeat(32)}00130100000000`, 2));
    expect(o.data(s, 'resp', sh, 2, false)).toBe(false);
  });

  it('reports the second ClientHello after a HelloRetryRequest', () => {
    const o = createTlsObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 443), r);
    o.data(s, 'orig', records(handshake(body)), 1, false);
    const hrrRandom = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
    expect(o.data(s, 'resp', records(handshake(`0303${hrrRandom}00130100000000`, 2)), 2, false)).toBe(true);
    // middlebox-compatibility CCS, then the second hello
    const ccs = hex('140303000101');
    expect(o.data(s, 'orig', Buffer.concat([ccs, records(handshake(body))]), 3, false)).toBe(false);
    expect(hellos(r).map((h) => h.ts)).toEqual([1, 3]);
  });

  it('counts an oversized handshake and a malformed hello without throwing', () => {
    const o = createTlsObserver({ maxHandshakeBytes: 100, maxHellos: 2 });
    const r = recorder();
    const s = o.open(endpoints('tcp', 443), r);
    expect(o.data(s, 'orig', records(handshake(body)), 1, false)).toBe(false);
    expect(r.counters.get('tls.handshake_too_long')).toBe(1);
    const o2 = createTlsObserver();
    const r2 = recorder();
    const s2 = o2.open(endpoints('tcp', 443), r2);
    expect(o2.data(s2, 'orig', records(handshake('0303')), 1, false)).toBe(false);
    expect(r2.counters.get('tls.client_hello_truncated')).toBe(1);
    expect(hellos(r2)).toHaveLength(0);
  });
});
