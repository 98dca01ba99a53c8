import type { Endpoints, Micros } from '../core/types.js';
import { ja4, offeredVersion } from './ja4.js';
import type { AppObserver, Dir, ObserverContext } from './observer.js';
import { parseClientHello } from './tls-hello.js';

/** Bounds of the TLS observer. */
export interface TlsObserverOptions {
  /** largest handshake message kept while it is reassembled, in bytes (a ClientHello is rarely > 2 KiB) */
  readonly maxHandshakeBytes: number;
  /** ClientHellos reported per flow (1, or 2 after a HelloRetryRequest) */
  readonly maxHellos: number;
}

export const DEFAULT_TLS_OPTIONS: TlsObserverOptions = { maxHandshakeBytes: 64 * 1024, maxHellos: 2 };

const REC_HANDSHAKE = 22;
const REC_CCS = 20;
const HS_CLIENT_HELLO = 1;
const HS_SERVER_HELLO = 2;
// RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

interface Side {
  /** record-layer bytes not yet framed into a whole record */
  rec: Buffer;
  /** handshake bytes gathered from records, across record boundaries */
  hs: Buffer;
  /** this side sent something after which no plaintext hello can follow (CCS, app data, alert, garbage) */
  done: boolean;
}

/** Per-flow state of the TLS observer. */
export interface TlsState {
  readonly ep: Endpoints;
  readonly ctx: ObserverContext;
  readonly orig: Side;
  readonly resp: Side;
  hellos: number;
  /** the server asked for a second ClientHello */
  hrr: boolean;
  /** the server's ServerHello (or HRR) was seen */
  serverHello: boolean;
  failed: boolean;
}

/**
 * TLS ClientHello on any TCP port: SNI, ALPN, version and JA4, reassembled across TCP segments and TLS
 * records. Also reads the server's first handshake message to notice a HelloRetryRequest.
 * Counters: `tls.record_too_long`, `tls.handshake_too_long`, `tls.client_hello_truncated`,
 * `tls.extension_truncated`, `tls.gap`, `tls.not_tls`.
 */
export function createTlsObserver(opts: TlsObserverOptions = DEFAULT_TLS_OPTIONS): AppObserver<TlsState> {
  return {
    name: 'tls',
    accepts(ep, dir, p) {
      return ep.transport === 'tcp' && dir === 'orig' && p.length >= 3 && p[0] === REC_HANDSHAKE && p[1] === 3 && (p[2] ?? 9) <= 4;
    },
    open(ep, ctx) {
      ctx.setApp('tls');
      const side = (): Side => ({ rec: Buffer.alloc(0), hs: Buffer.alloc(0), done: false });
      return { ep, ctx, orig: side(), resp: side(), hellos: 0, hrr: false, serverHello: false, failed: false };
    },
    data(s, dir, payload, ts, gap) {
      const side = s[dir];
      if (gap && !side.done) {
        s.ctx.counters.inc('tls.gap');
        side.done = true;
      }
      if (!side.done) feed(s, dir, payload, ts, opts);
      return wantsMore(s, opts);
    },
    close() {
      // nothing is pending: a ClientHello is reported as soon as it is complete
    },
  };
}

function wantsMore(s: TlsState, opts: TlsObserverOptions): boolean {
  if (s.failed || s.hellos >= opts.maxHellos) return false;
  if (s.orig.done) return false;
  // After the first hello only a HelloRetryRequest makes another one possible.
  if (s.hellos >= 1 && !s.hrr && (s.resp.done || s.serverHello)) return false;
  return true;
}

function feed(s: TlsState, dir: Dir, payload: Uint8Array, ts: Micros, opts: TlsObserverOptions): void {
  const side = s[dir];
  side.rec = side.rec.length === 0 ? Buffer.from(payload) : Buffer.concat([side.rec, payload]);
  while (side.rec.length >= 5 && !side.done) {
    const type = side.rec[0] ?? 0;
    const len = side.rec.readUInt16BE(3);
    if (side.rec[1] !== 3 || len > 16384 + 2048) {
      s.ctx.counters.inc(side.rec[1] !== 3 ? 'tls.not_tls' : 'tls.record_too_long');
      side.done = true;
      break;
    }
    if (side.rec.length < 5 + len) break;
    const body = side.rec.subarray(5, 5 + len);
    side.rec = side.rec.subarray(5 + len);
    if (type === REC_HANDSHAKE) {
      side.hs = side.hs.length === 0 ? body : Buffer.concat([side.hs, body]);
      handshakes(s, dir, ts, opts);
    } else if (type === REC_CCS && dir === 'orig' && s.hrr && s.hellos < 2) {
      // TLS 1.3 middlebox compatibility: a CCS may precede the second ClientHello
    } else {
      side.done = true;
    }
  }
  // Keep only what is unframed, as our own copy (the chunk's memory may be reused).
  side.rec = Buffer.from(side.rec);
  if (side.rec.length > opts.maxHandshakeBytes) {
    s.ctx.counters.inc('tls.record_too_long');
    side.done = true;
  }
}

function handshakes(s: TlsState, dir: Dir, ts: Micros, opts: TlsObserverOptions): void {
  const side = s[dir];
  while (side.hs.length >= 4 && !side.done) {
    const type = side.hs[0] ?? 0;
    const len = side.hs.readUIntBE(1, 3);
    if (len > opts.maxHandshakeBytes) {
      s.ctx.counters.inc('tls.handshake_too_long');
      side.done = true;
      return;
    }
    if (side.hs.length < 4 + len) return;
    const body = side.hs.subarray(4, 4 + len);
    side.hs = Buffer.from(side.hs.subarray(4 + len));
    if (dir === 'orig' && type === HS_CLIENT_HELLO) onClientHello(s, body, ts);
    else if (dir === 'resp' && type === HS_SERVER_HELLO) onServerHello(s, body);
    else if (dir === 'resp') side.done = true;
  }
}

function onServerHello(s: TlsState, body: Buffer): void {
  s.serverHello = true;
  s.hrr = body.length >= 34 && body.subarray(2, 34).equals(HRR_RANDOM);
  // Anything after a real ServerHello is of no use; after an HRR the server waits for the client.
  s.resp.done = true;
}

function onClientHello(s: TlsState, body: Buffer, ts: Micros): void {
  const r = parseClientHello(body);
  if (!r.ok) {
    s.ctx.counters.inc(`tls.${r.anomaly}`);
    s.failed = true;
    return;
  }
  const h = r.hello;
  s.hellos++;
  if (h.serverName !== undefined) s.ctx.setServerName(h.serverName);
  const version = versionName(offeredVersion(h.legacyVersion, h.supportedVersions));
  const base = { ts, endpoints: s.ep, alpn: h.alpnNames, version, ja4: ja4(h) };
  s.ctx.emit({ type: 'tls', tls: h.serverName === undefined ? base : { ...base, serverName: h.serverName } });
}

/** '1.3', '1.2', '1.1', '1.0', 'ssl3'; a TLS 1.3 draft as '1.3-draft<n>'; otherwise the hex value. */
export function versionName(v: number): string {
  if (v >= 0x0301 && v <= 0x0304) return `1.${v - 0x0301}`;
  if (v === 0x0300) return 'ssl3';
  if ((v & 0xff00) === 0x7f00) return `1.3-draft${v & 0xff}`;
  return `0x${v.toString(16).padStart(4, '0')}`;
}
