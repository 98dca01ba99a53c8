import { hash } from 'node:crypto';

/**
 * JA4 TLS client fingerprint (FoxIO JA4 spec, the BSD-3 licensed TLS client part), computed from the
 * fields of one ClientHello. Only `ja4` (sorted, hashed) is produced, not ja4_r / ja4_o.
 */

/** The ClientHello fields JA4 needs, in wire order, GREASE values included (JA4 drops them). */
export interface Ja4Input {
  /** 't' TLS over TCP, 'q' QUIC, 'd' DTLS */
  readonly transport: 't' | 'q' | 'd';
  /** the ClientHello legacy_version field */
  readonly legacyVersion: number;
  /** supported_versions extension values, empty when absent */
  readonly supportedVersions: readonly number[];
  readonly ciphers: readonly number[];
  /** extension types in wire order */
  readonly extensions: readonly number[];
  /** ALPN protocol names as raw bytes, in order */
  readonly alpn: readonly Uint8Array[];
  /** signature_algorithms extension values in wire order */
  readonly signatureAlgorithms: readonly number[];
}

/** RFC 8701 GREASE values: 0x0a0a, 0x1a1a, …, 0xfafa. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
}

const JA4_VERSIONS: Readonly<Record<number, string>> = {
  0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3', 0x0002: 's2',
  0xfeff: 'd1', 0xfefd: 'd2', 0xfefc: 'd3',
};

/** The highest non-GREASE version offered: supported_versions when present, else legacy_version. */
export function offeredVersion(legacyVersion: number, supportedVersions: readonly number[]): number {
  const real = supportedVersions.filter((v) => !isGrease(v));
  if (real.length === 0) return legacyVersion;
  // TLS 1.3 drafts (0x7fNN) rank as 1.3, not above it
  const rank = (v: number): number => ((v & 0xff00) === 0x7f00 ? 0x0304 : v);
  return real.reduce((best, v) => (rank(v) > rank(best) ? v : best));
}

const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const two = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');
// one-shot hash(): no Hash object per call (two calls per ClientHello)
const hash12 = (s: string): string => hash('sha256', s, 'hex').slice(0, 12);

function isAlnum(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
}

function alpnChars(alpn: readonly Uint8Array[]): string {
  const first = alpn[0];
  if (first === undefined || first.length === 0) return '00';
  const a = first[0];
  const z = first[first.length - 1];
  if (isAlnum(a) && isAlnum(z)) return String.fromCharCode(a ?? 0x30, z ?? 0x30);
  // the spec falls back to the first and last hex digits of the value when either end is not alphanumeric
  const h = Buffer.from(first).toString('hex');
  return `${h[0] ?? '0'}${h[h.length - 1] ?? '0'}`;
}

/** JA4 of one ClientHello, e.g. `t13d1516h2_8daaf6152771_02713d6af862`. */
export function ja4(input: Ja4Input): string {
  const version = JA4_VERSIONS[offeredVersion(input.legacyVersion, input.supportedVersions)] ?? '00';
  const ciphers = input.ciphers.filter((c) => !isGrease(c));
  const exts = input.extensions.filter((e) => !isGrease(e));
  const sni = exts.includes(0x0000) ? 'd' : 'i';
  const head = `${input.transport}${version}${sni}${two(ciphers.length)}${two(exts.length)}${alpnChars(input.alpn)}`;
  const cipherHash = ciphers.length === 0 ? '000000000000' : hash12(ciphers.map(hex4).sort().join(','));
  const hashed = exts.filter((e) => e !== 0x0000 && e !== 0x0010).map(hex4).sort().join(',');
  const sigs = input.signatureAlgorithms.map(hex4).join(',');
  const extHash = hashed.length === 0 ? '000000000000' : hash12(sigs.length === 0 ? hashed : `${hashed}_${sigs}`);
  return `${head}_${cipherHash}_${extHash}`;
}
