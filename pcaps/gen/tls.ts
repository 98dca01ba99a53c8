/**
 * TLS 1.3 handshake bytes: a ClientHello shaped like a browser's (GREASE, SNI, ALPN, key_share,
 * supported_versions, padding to 512 bytes) or like Go crypto/tls (rclone: no GREASE, no padding),
 * a ServerHello flight, and application-data records with random (encrypted-looking) bodies.
 */
import type { ByteStream } from './byte-stream.js';
import type { Rng } from './prng.js';

/** What the ClientHello offers. */
export interface ClientHelloOptions {
  /** omitted: no server_name extension */
  readonly sni?: string;
  readonly alpn: readonly string[];
  /** browser-like (GREASE, padding) or Go-like */
  readonly profile: 'chrome' | 'go';
}

const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number): number[] => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const ext = (type: number, body: readonly number[]): number[] => [...u16(type), ...u16(body.length), ...body];
const vec16 = (body: readonly number[]): number[] => [...u16(body.length), ...body];
const ascii = (s: string): number[] => [...Buffer.from(s, 'ascii')];

function greaseValue(rng: Rng): number {
  const n = rng.int(0, 15);
  return (n << 12) | 0x0a00 | (n << 4) | 0x0a;
}

/** Builds one TLS record (handshake type 1) holding a ClientHello. */
export function buildClientHello(rng: Rng, o: ClientHelloOptions): Uint8Array {
  const chrome = o.profile === 'chrome';
  const g = chrome ? [greaseValue(rng), greaseValue(rng), greaseValue(rng), greaseValue(rng)] : [];
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0] = g;
  const suites = chrome
    ? [g0, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035]
    : [0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035, 0xc012, 0x000a, 0x1301, 0x1302, 0x1303];
  const groups = chrome ? [g1, 0x001d, 0x0017, 0x0018] : [0x001d, 0x0017, 0x0018, 0x0019];
  const sigalgs = chrome
    ? [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    : [0x0804, 0x0403, 0x0807, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0503, 0x0603, 0x0201, 0x0203];
  const alpn = vec16(o.alpn.flatMap((p) => [p.length, ...ascii(p)]));
  const sni = o.sni === undefined ? [] : ext(0x0000, vec16([0, ...vec16(ascii(o.sni))]));
  const keyShare = ext(0x0033, vec16([...(chrome ? [...u16(g1), ...vec16([0])] : []), ...u16(0x001d), ...vec16([...rng.bytes(32)])]));
  const versionList = (chrome ? [g2, 0x0304, 0x0303] : [0x0304, 0x0303]).flatMap(u16);
  const versions = ext(0x002b, [versionList.length, ...versionList]);
  const exts: number[] = chrome
    ? [
        ...ext(g0, []), ...sni, ...ext(0x0017, []), ...ext(0xff01, [0]), ...ext(0x000a, vec16(groups.flatMap(u16))),
        ...ext(0x000b, [1, 0]), ...ext(0x0023, []), ...(o.alpn.length ? ext(0x0010, alpn) : []), ...ext(0x0005, [1, 0, 0, 0, 0]),
        ...ext(0x000d, vec16(sigalgs.flatMap(u16))), ...ext(0x0012, []), ...keyShare, ...ext(0x002d, [1, 1]), ...versions,
        ...ext(0x001b, [2, 0, 2]), ...ext(g3, [0]),
      ]
    : [
        ...sni, ...ext(0x0005, [1, 0, 0, 0, 0]), ...ext(0x000a, vec16(groups.flatMap(u16))), ...ext(0x000b, [1, 0]),
        ...ext(0x000d, vec16(sigalgs.flatMap(u16))), ...ext(0xff01, [0]), ...(o.alpn.length ? ext(0x0010, alpn) : []),
        ...ext(0x0012, []), ...versions, ...keyShare,
      ];
  const bodyHead = [...u16(0x0303), ...rng.bytes(32), 32, ...rng.bytes(32), ...vec16(suites.flatMap(u16)), 1, 0];
  if (chrome) {
    // pad the handshake message to 512 bytes as BoringSSL does
    const len = 4 + bodyHead.length + 2 + exts.length;
    if (len < 512) exts.push(...ext(0x0015, new Array<number>(Math.max(0, 512 - len - 4)).fill(0)));
  }
  const body = [...bodyHead, ...vec16(exts)];
  const hs = [1, ...u24(body.length), ...body];
  return Uint8Array.from([0x16, 0x03, 0x01, ...u16(hs.length), ...hs]);
}

/** ServerHello (TLS 1.3, x25519) + ChangeCipherSpec, then encrypted handshake records of `encrypted` bytes. */
export function pushServerFlight(stream: ByteStream, rng: Rng, encrypted: number): void {
  const exts = [...ext(0x002b, u16(0x0304)), ...ext(0x0033, [...u16(0x001d), ...vec16([...rng.bytes(32)])])];
  const body = [...u16(0x0303), ...rng.bytes(32), 32, ...rng.bytes(32), ...u16(0x1301), 0, ...vec16(exts)];
  const hs = [2, ...u24(body.length), ...body];
  stream.pushBytes(Uint8Array.from([0x16, 0x03, 0x03, ...u16(hs.length), ...hs, 0x14, 0x03, 0x03, 0x00, 0x01, 0x01]));
  pushAppData(stream, encrypted);
}

/** Client's ChangeCipherSpec + encrypted Finished. */
export function clientFinished(rng: Rng): Uint8Array {
  return Uint8Array.from([0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x17, 0x03, 0x03, ...u16(53), ...rng.bytes(53)]);
}

/** Largest TLS 1.3 record body on the wire: 16 KiB plaintext + content type + 16-byte tag. */
const MAX_RECORD_BODY = 16384 + 17;

/** Pushes `n` bytes of plaintext as application-data records (header + random ciphertext); returns the wire bytes. */
export function pushAppData(stream: ByteStream, n: number): number {
  let left = n;
  let wire = 0;
  while (left > 0) {
    const body = Math.min(left + 17, MAX_RECORD_BODY);
    stream.pushBytes(Uint8Array.from([0x17, 0x03, 0x03, ...u16(body)]));
    stream.pushRandom(body);
    wire += 5 + body;
    left -= body - 17;
  }
  return wire;
}
