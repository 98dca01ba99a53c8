import type { Endpoints, HttpRequest, Micros } from '../core/types.js';
import { hostWithoutPort, looksLikeRequest, parseRequestHead, type RequestHead } from './http-head.js';
import type { AppObserver, ObserverContext } from './observer.js';

/** Bounds of the HTTP observer. */
export interface HttpObserverOptions {
  /** largest request head (request line + headers) kept, in bytes; past it the rest of the head is skipped */
  readonly maxHeaderBytes: number;
  /** longest chunk-size or trailer line, in bytes */
  readonly maxLineBytes: number;
}

export const DEFAULT_HTTP_OPTIONS: HttpObserverOptions = { maxHeaderBytes: 16 * 1024, maxLineBytes: 1024 };

type Mode = 'head' | 'skip-head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'lost' | 'stopped';

interface Current { readonly head: RequestHead; readonly ts: Micros; bodyBytes: number; remaining: number }

/** Per-flow state of the HTTP observer (client side only, plus a peek at responses for 100-continue). */
export interface HttpState {
  readonly ep: Endpoints;
  readonly ctx: ObserverContext;
  mode: Mode;
  /** bytes of the head (or chunk line) not yet complete; bounded by the options */
  pending: Buffer;
  /** time of the first byte of the pending head */
  headTs: Micros;
  cur: Current | undefined;
  named: boolean;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');
// shared: an empty buffer cannot be written to
const NO_BYTES = Buffer.alloc(0);

/**
 * HTTP/1.x requests on any TCP port: one `http` event per request, emitted when its body is complete
 * (Content-Length or chunked framing), or at close with what was seen; pipelined and keep-alive
 * requests are all seen. Counters: `http.header_too_long`, `http.bad_request_line`,
 * `http.bad_content_length`, `http.nonstandard_request_line`, `http.bad_chunk`, `http.gap`, `http.incomplete`.
 */
export function createHttpObserver(opts: HttpObserverOptions = DEFAULT_HTTP_OPTIONS): AppObserver<HttpState> {
  return {
    name: 'http',
    accepts(ep, dir, p) {
      return ep.transport === 'tcp' && dir === 'orig' && looksLikeRequest(p);
    },
    open(ep, ctx) {
      ctx.setApp('http');
      return { ep, ctx, mode: 'head', pending: Buffer.alloc(0), headTs: 0, cur: undefined, named: false };
    },
    data(s, dir, payload, ts, gap) {
      if (s.mode === 'stopped') return false;
      if (dir === 'resp') {
        peekResponse(s, payload);
        return true;
      }
      if (gap) {
        s.ctx.counters.inc('http.gap');
        finish(s);
        s.pending = Buffer.alloc(0);
        s.mode = 'lost';
      }
      feed(s, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), ts, opts);
      // Keep our own copy of what is left over (the chunk's memory may be reused); nothing left over,
      // the usual case in a body, needs no copy.
      s.pending = s.pending.length === 0 ? NO_BYTES : Buffer.from(s.pending);
      return !isStopped(s);
    },
    close(s) {
      if (s.cur !== undefined) {
        s.ctx.counters.inc('http.incomplete');
        finish(s);
      } else if (s.mode === 'head' && s.pending.length > 0) {
        const text = s.pending.toString('latin1');
        const head = parseRequestHead(text.slice(0, Math.max(text.lastIndexOf('\n'), 0)) || text);
        if (head !== undefined) {
          s.ctx.counters.inc('http.incomplete');
          s.cur = { head, ts: s.headTs, bodyBytes: 0, remaining: 0 };
          finish(s);
        }
      }
      s.mode = 'stopped';
    },
  };
}

function feed(s: HttpState, chunk: Buffer, ts: Micros, opts: HttpObserverOptions): void {
  let buf = chunk;
  if (s.mode === 'lost') {
    // resync only where a chunk starts with a request line
    if (!looksLikeRequest(buf)) return;
    s.mode = 'head';
  }
  for (let guard = 0; buf.length > 0 && guard < 1_000_000; guard++) {
    const mode = s.mode as Mode;
    switch (mode) {
      case 'head': buf = onHead(s, buf, ts, opts); break;
      case 'skip-head': buf = onSkipHead(s, buf); break;
      case 'body':
      case 'chunk-data': {
        const cur = s.cur;
        if (cur === undefined) { s.mode = 'head'; break; }
        const n = Math.min(cur.remaining, buf.length);
        cur.bodyBytes += n;
        cur.remaining -= n;
        buf = buf.subarray(n);
        if (cur.remaining > 0) break;
        if (mode === 'body') endRequest(s);
        else s.mode = 'chunk-end';
        break;
      }
      case 'chunk-size': case 'chunk-end': case 'trailer': buf = onLine(s, buf, opts); break;
      case 'lost': case 'stopped': return;
    }
  }
}

function isStopped(s: HttpState): boolean {
  return s.mode === 'stopped';
}

function onHead(s: HttpState, buf: Buffer, ts: Micros, opts: HttpObserverOptions): Buffer {
  if (s.pending.length === 0) {
    // tolerate the stray CRLF some clients send after a body (RFC 9112 2.2)
    let i = 0;
    while (i < buf.length && (buf[i] === 0x0d || buf[i] === 0x0a)) i++;
    buf = buf.subarray(i);
    if (buf.length === 0) return buf;
    s.headTs = ts;
  }
  const from = Math.max(0, s.pending.length - 3);
  const all = s.pending.length === 0 ? buf : Buffer.concat([s.pending, buf]);
  const end = headEnd(all, from);
  if (end < 0) {
    if (all.length <= opts.maxHeaderBytes) {
      s.pending = all;
      return Buffer.alloc(0);
    }
    s.ctx.counters.inc('http.header_too_long');
    const text = all.subarray(0, opts.maxHeaderBytes).toString('latin1');
    const opened = openRequest(s, text.slice(0, Math.max(text.lastIndexOf('\n'), 0)));
    // keep the last 3 bytes so a blank line split across chunks is still found
    s.pending = opened ? Buffer.from(all.subarray(all.length - 3)) : Buffer.alloc(0);
    if (opened) s.mode = 'skip-head';
    return Buffer.alloc(0);
  }
  s.pending = Buffer.alloc(0);
  if (openRequest(s, all.subarray(0, end).toString('latin1')) && s.cur !== undefined) bodyMode(s, s.cur);
  return all.subarray(end + blankLen(all, end));
}

function onSkipHead(s: HttpState, buf: Buffer): Buffer {
  const all = Buffer.concat([s.pending, buf]);
  const end = headEnd(all, 0);
  if (end < 0) {
    s.pending = Buffer.from(all.subarray(Math.max(0, all.length - 3)));
    return Buffer.alloc(0);
  }
  s.pending = Buffer.alloc(0);
  const cur = s.cur;
  if (cur !== undefined) bodyMode(s, cur);
  return all.subarray(end + blankLen(all, end));
}

/** index where the blank line that ends the head starts, or -1 */
function headEnd(b: Buffer, from: number): number {
  const a = b.indexOf(CRLFCRLF, from);
  const c = b.indexOf(LFLF, from);
  if (a < 0) return c;
  if (c < 0) return a;
  return Math.min(a, c);
}

function blankLen(b: Buffer, at: number): number {
  return b[at] === 0x0d ? 4 : 2;
}

/** parse a head and make it the current request; false (and lost sync) when the request line is bad */
function openRequest(s: HttpState, headText: string): boolean {
  const head = parseRequestHead(headText);
  if (head === undefined) {
    s.ctx.counters.inc('http.bad_request_line');
    s.mode = 'lost';
    return false;
  }
  if (head.badContentLength) s.ctx.counters.inc('http.bad_content_length');
  if (head.nonstandard) s.ctx.counters.inc('http.nonstandard_request_line');
  if (!s.named && head.host !== undefined && head.host.length > 0) {
    s.named = true;
    s.ctx.setServerName(hostWithoutPort(head.host));
  }
  s.cur = { head, ts: s.headTs, bodyBytes: 0, remaining: 0 };
  return true;
}

function bodyMode(s: HttpState, cur: Current): void {
  if (cur.head.chunked) {
    s.mode = 'chunk-size';
  } else if ((cur.head.contentLength ?? 0) > 0) {
    cur.remaining = cur.head.contentLength ?? 0;
    s.mode = 'body';
  } else {
    endRequest(s);
  }
}

function onLine(s: HttpState, buf: Buffer, opts: HttpObserverOptions): Buffer {
  const nl = buf.indexOf(0x0a);
  const all = nl < 0 ? Buffer.concat([s.pending, buf]) : Buffer.concat([s.pending, buf.subarray(0, nl)]);
  if (nl < 0) {
    if (all.length > opts.maxLineBytes) return badChunk(s);
    s.pending = all;
    return Buffer.alloc(0);
  }
  s.pending = Buffer.alloc(0);
  const line = all.toString('latin1').replace(/\r$/, '');
  const rest = buf.subarray(nl + 1);
  const cur = s.cur;
  if (cur === undefined) return badChunk(s);
  if (s.mode === 'chunk-end') {
    if (line.length > 0) return badChunk(s);
    s.mode = 'chunk-size';
  } else if (s.mode === 'chunk-size') {
    const m = /^\s*([0-9a-fA-F]{1,12})\s*(;.*)?$/.exec(line);
    if (m === null) return badChunk(s);
    cur.remaining = parseInt(m[1] ?? '0', 16);
    s.mode = cur.remaining === 0 ? 'trailer' : 'chunk-data';
  } else if (line.length === 0) {
    endRequest(s);
  }
  return rest;
}

function badChunk(s: HttpState): Buffer {
  s.ctx.counters.inc('http.bad_chunk');
  s.pending = Buffer.alloc(0);
  finish(s);
  s.mode = 'lost';
  return Buffer.alloc(0);
}

/** the current request is complete: report it and expect the next one (unless the protocol switches) */
function endRequest(s: HttpState): void {
  const switches = s.cur?.head.switches ?? false;
  finish(s);
  s.mode = switches ? 'stopped' : 'head';
}

function finish(s: HttpState): void {
  const cur = s.cur;
  if (cur === undefined) return;
  s.cur = undefined;
  const h = cur.head;
  const req: HttpRequest = {
    ts: cur.ts, endpoints: s.ep, method: h.method, target: h.target, version: h.version, bodyBytes: cur.bodyBytes,
    ...(h.host === undefined ? {} : { host: h.host }),
    ...(h.userAgent === undefined ? {} : { userAgent: h.userAgent }),
    ...(h.contentLength === undefined ? {} : { contentLength: h.contentLength }),
  };
  s.ctx.emit({ type: 'http', http: req });
}

const FINAL_STATUS = /^HTTP\/1\.[0-9] [2-9][0-9][0-9]/;

/**
 * Expect: 100-continue: a server may answer with a final status instead of 100, and the client then
 * sends no body. We only look at response chunks that start with a status line, which is a heuristic.
 */
function peekResponse(s: HttpState, payload: Uint8Array): void {
  const cur = s.cur;
  if (cur === undefined || !cur.head.expectContinue || cur.bodyBytes > 0) return;
  if (s.mode !== 'body' && s.mode !== 'chunk-size') return;
  const start = Buffer.from(payload.subarray(0, 16)).toString('latin1');
  if (FINAL_STATUS.test(start)) endRequest(s);
}
