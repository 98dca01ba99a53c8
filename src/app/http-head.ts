/**
 * Parsing of an HTTP/1.x request head (request line + header fields), from the bytes before the blank
 * line. Bytes are decoded as latin1 so any octet maps to one character and nothing throws.
 */

import type { HttpRequest } from '../core/types.js';

/** A parsed request head; header values are as sent, trimmed (the shared fields as HttpRequest names them). */
export interface RequestHead extends Pick<HttpRequest, 'method' | 'target' | 'version' | 'host' | 'userAgent' | 'contentLength'> {
  /** Content-Length was present but not a number (or conflicting values) */
  readonly badContentLength: boolean;
  /** the last transfer-coding is chunked */
  readonly chunked: boolean;
  readonly expectContinue: boolean;
  /** CONNECT or an Upgrade request: what follows on the connection is not HTTP/1 requests */
  readonly switches: boolean;
  /** the request line lacks the target or the HTTP version (kept as tshark and Zeek keep it) */
  readonly nonstandard: boolean;
}

const KNOWN_METHODS = new Set([
  'GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT',
]);

/** longest method token we accept, in characters */
export const MAX_METHOD_CHARS = 20;

const REQUEST_LINE = /^([A-Z][A-Z0-9_-]{0,19}) (\S+) (HTTP\/1\.[0-9])$/;
const METHOD = /^[A-Z][A-Z0-9_-]{0,19}$/;

/**
 * Does `bytes` start like an HTTP/1.x request? A known method followed by a space or line end is enough; any other
 * upper-case token needs the whole request line (`TOKEN target HTTP/1.x`) in `bytes`.
 */
export function looksLikeRequest(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && i <= MAX_METHOD_CHARS) {
    const b = bytes[i] ?? 0;
    if (b === 0x20 || b === 0x0d || b === 0x0a) break;
    const ok = (b >= 0x41 && b <= 0x5a) || (i > 0 && ((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x5f));
    if (!ok) return false;
    i++;
  }
  const after = bytes[i];
  if (i === 0 || i > MAX_METHOD_CHARS || (after !== 0x20 && after !== 0x0d && after !== 0x0a)) return false;
  const method = Buffer.from(bytes.subarray(0, i)).toString('latin1');
  if (KNOWN_METHODS.has(method)) return true;
  const end = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 8192))).indexOf('\n');
  if (end < 0) return false;
  const line = Buffer.from(bytes.subarray(0, end)).toString('latin1').replace(/\r$/, '');
  return REQUEST_LINE.test(line);
}

/**
 * Parse a request head (without the blank line). Undefined when the line does not start with a method
 * token; a line without target or version (`GET /`, `OPTIONS`) is kept with those fields empty.
 */
export function parseRequestHead(head: string): RequestHead | undefined {
  const lines = head.split('\n');
  const first = (lines[0] ?? '').replace(/\r$/, '');
  const sp = first.indexOf(' ');
  const method = sp < 0 ? first : first.slice(0, sp);
  if (!METHOD.test(method)) return undefined;
  const rest = sp < 0 ? '' : first.slice(sp + 1);
  // as tshark splits it: the last space-separated token is the version, whatever it looks like
  const last = rest.lastIndexOf(' ');
  const target = last < 0 ? rest : rest.slice(0, last);
  const version = last < 0 ? '' : rest.slice(last + 1);
  let host: string | undefined;
  let userAgent: string | undefined;
  let cl: string | undefined;
  let badContentLength = false;
  let chunked = false;
  let expectContinue = false;
  let upgrade = false;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    switch (name) {
      case 'host': host ??= value; break;
      case 'user-agent': userAgent ??= value; break;
      case 'content-length':
        if (cl !== undefined && cl !== value) badContentLength = true;
        cl = value;
        break;
      case 'transfer-encoding': chunked = /(^|,)\s*chunked\s*$/i.test(value); break;
      case 'expect': expectContinue = /^100-continue$/i.test(value); break;
      case 'upgrade': upgrade = value.length > 0; break;
      default: break;
    }
  }
  let contentLength: number | undefined;
  if (cl !== undefined) {
    if (/^[0-9]{1,15}$/.test(cl)) contentLength = Number(cl);
    else badContentLength = true;
  }
  const base = {
    method, target, version, badContentLength, chunked, expectContinue,
    switches: method === 'CONNECT' || upgrade, nonstandard: !/^HTTP\/1\.[0-9]$/.test(version) || target === '',
  };
  return {
    ...base,
    ...(host === undefined ? {} : { host }),
    ...(userAgent === undefined ? {} : { userAgent }),
    ...(contentLength === undefined ? {} : { contentLength }),
  };
}

/** The Host header without its port: `example.com:8080` → `example.com`, `[::1]:80` → `::1`. */
export function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close > 0 ? host.slice(1, close) : host;
  }
  const colon = host.indexOf(':');
  // more than one colon: a bare IPv6 address, leave it whole
  if (colon >= 0 && host.indexOf(':', colon + 1) < 0) return host.slice(0, colon);
  return host;
}
