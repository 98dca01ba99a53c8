import type { Ja4Input } from './ja4.js';

/** The fields of a ClientHello the sensor keeps (everything JA4 needs, plus the SNI). */
export interface ClientHelloFields extends Ja4Input {
  /** first host_name of the server_name extension, as sent (bytes outside printable ASCII escaped as \xNN) */
  readonly serverName?: string;
  readonly alpnNames: readonly string[];
}

/** Result of parsing a ClientHello body: the fields, or a named anomaly (counter suffix). */
export type ClientHelloResult = { readonly ok: true; readonly hello: ClientHelloFields } | { readonly ok: false; readonly anomaly: string };

const EXT_SNI = 0x0000;
const EXT_ALPN = 0x0010;
const EXT_SIG_ALGS = 0x000d;
const EXT_SUPPORTED_VERSIONS = 0x002b;

/** A bounds-checked reader: every read past the end returns -1 and marks `bad`. */
interface Cursor { readonly b: Uint8Array; off: number; end: number; bad: boolean }

function u8(c: Cursor): number {
  if (c.off + 1 > c.end) { c.bad = true; return -1; }
  return c.b[c.off++] ?? -1;
}

function u16(c: Cursor): number {
  if (c.off + 2 > c.end) { c.bad = true; return -1; }
  const v = ((c.b[c.off] ?? 0) << 8) | (c.b[c.off + 1] ?? 0);
  c.off += 2;
  return v;
}

/** a sub-cursor over the next n bytes (or a bad one) */
function sub(c: Cursor, n: number): Cursor {
  if (n < 0 || c.off + n > c.end) { c.bad = true; return { b: c.b, off: c.end, end: c.end, bad: true }; }
  const s = { b: c.b, off: c.off, end: c.off + n, bad: false };
  c.off += n;
  return s;
}

function u16List(c: Cursor): number[] {
  const out: number[] = [];
  while (c.off + 2 <= c.end) out.push(u16(c));
  if (c.off !== c.end) c.bad = true;
  return out;
}

const printable = (s: string): boolean => /^[\x21-\x7e]*$/.test(s);

/**
 * Parse the body of a ClientHello handshake message (after the 4-byte handshake header).
 * Bounded by the body length; never throws.
 */
export function parseClientHello(body: Uint8Array): ClientHelloResult {
  const c: Cursor = { b: body, off: 0, end: body.length, bad: false };
  const legacyVersion = u16(c);
  sub(c, 32); // random
  sub(c, u8(c)); // legacy_session_id
  const ciphers = u16List(sub(c, u16(c)));
  sub(c, u8(c)); // compression methods
  if (c.bad) return { ok: false, anomaly: 'client_hello_truncated' };
  const extensions: number[] = [];
  const supportedVersions: number[] = [];
  const signatureAlgorithms: number[] = [];
  const alpn: Uint8Array[] = [];
  let serverName: string | undefined;
  if (c.off < c.end) {
    const exts = sub(c, u16(c));
    if (c.bad) return { ok: false, anomaly: 'client_hello_truncated' };
    while (exts.off + 4 <= exts.end) {
      const type = u16(exts);
      const data = sub(exts, u16(exts));
      if (exts.bad) return { ok: false, anomaly: 'extension_truncated' };
      extensions.push(type);
      if (type === EXT_SNI) serverName ??= parseSni(data);
      else if (type === EXT_ALPN) alpn.push(...parseAlpn(data));
      else if (type === EXT_SIG_ALGS) signatureAlgorithms.push(...u16List(sub(data, u16(data))));
      else if (type === EXT_SUPPORTED_VERSIONS) supportedVersions.push(...u16List(sub(data, u8(data))));
    }
    if (exts.off !== exts.end) return { ok: false, anomaly: 'extension_truncated' };
  }
  const alpnNames = alpn.map((a) => Buffer.from(a).toString('latin1'));
  const hello: ClientHelloFields = {
    transport: 't', legacyVersion, supportedVersions, ciphers, extensions, alpn, signatureAlgorithms, alpnNames,
  };
  return { ok: true, hello: serverName === undefined ? hello : { ...hello, serverName } };
}

function parseSni(c: Cursor): string | undefined {
  const list = sub(c, u16(c));
  while (!list.bad && list.off + 3 <= list.end) {
    const kind = u8(list);
    const name = sub(list, u16(list));
    if (list.bad) return undefined;
    if (kind === 0) {
      const s = Buffer.from(name.b.subarray(name.off, name.end)).toString('latin1');
      // SNI must be an ASCII host name; escape anything else (as Zeek does) rather than pass raw bytes on
      return printable(s) ? s : s.replace(/[^\x21-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
    }
  }
  return undefined;
}

function parseAlpn(c: Cursor): Uint8Array[] {
  const list = sub(c, u16(c));
  const out: Uint8Array[] = [];
  while (!list.bad && list.off < list.end) {
    const p = sub(list, u8(list));
    if (!list.bad) out.push(p.b.slice(p.off, p.end));
  }
  return out;
}
