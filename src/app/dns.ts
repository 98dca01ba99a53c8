import type { DnsTransaction, Endpoints, Micros } from '../core/types.js';
import { DEFAULT_DNS_DECODE, decodeDnsMessage, type DnsDecodeOptions, type DnsMessage } from './dns-decode.js';
import type { AppObserver, Dir, ObserverContext } from './observer.js';

/** Bounds of the DNS observer. */
export interface DnsObserverOptions extends DnsDecodeOptions {
  /** queries awaiting a response per flow; the oldest is emitted unanswered and counted when full */
  readonly maxPending: number;
}

export const DEFAULT_DNS_OPTIONS: DnsObserverOptions = { ...DEFAULT_DNS_DECODE, maxPending: 64 };

interface Pending { readonly msg: DnsMessage; readonly ts: Micros }

/** Per-flow state of the DNS observer. */
export interface DnsState {
  readonly ep: Endpoints;
  readonly ctx: ObserverContext;
  readonly tcp: boolean;
  /** TCP only: bytes of an incomplete length-prefixed message, per direction (≤ 65,537 bytes each) */
  readonly partial: Record<Dir, Buffer | undefined>;
  /** TCP only: a direction that lost bytes cannot find message boundaries again */
  readonly desynced: Record<Dir, boolean>;
  /** insertion-ordered, so the first key is the oldest */
  readonly pending: Map<string, Pending>;
}

const DNS_PORT = 53;

/**
 * DNS over UDP and TCP port 53 (not mDNS 5353 / LLMNR 5355). One `dns` event per transaction: a query
 * matched to its response by id + question within the flow, an unanswered query at close ('query'), or
 * a response without a query ('answer'). Counters: `dns.decode_error`, `dns.trailing_bytes`, `dns.short`,
 * `dns.tcp_gap`, `dns.pending_evicted`, `dns.duplicate_query`.
 */
export function createDnsObserver(opts: DnsObserverOptions = DEFAULT_DNS_OPTIONS): AppObserver<DnsState> {
  return {
    name: 'dns',
    accepts(ep) {
      return (ep.transport === 'udp' || ep.transport === 'tcp') && (ep.serverPort === DNS_PORT || ep.clientPort === DNS_PORT);
    },
    open(ep, ctx) {
      ctx.setApp('dns');
      return {
        ep, ctx, tcp: ep.transport === 'tcp', partial: { orig: undefined, resp: undefined },
        desynced: { orig: false, resp: false }, pending: new Map(),
      };
    },
    data(s, dir, payload, ts, gap) {
      if (!s.tcp) {
        onMessage(s, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), ts, opts);
        return true;
      }
      if (gap) {
        s.ctx.counters.inc('dns.tcp_gap');
        s.desynced[dir] = true;
        s.partial[dir] = undefined;
      }
      if (s.desynced[dir]) return !(s.desynced.orig && s.desynced.resp);
      feedTcp(s, dir, payload, ts, opts);
      return true;
    },
    close(s) {
      for (const p of s.pending.values()) emit(s, p.msg, undefined, p.ts, undefined);
      s.pending.clear();
      if (s.partial.orig !== undefined || s.partial.resp !== undefined) s.ctx.counters.inc('dns.tcp_incomplete');
    },
  };
}

function feedTcp(s: DnsState, dir: Dir, payload: Uint8Array, ts: Micros, opts: DnsObserverOptions): void {
  const prev = s.partial[dir];
  let buf = prev === undefined ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength) : Buffer.concat([prev, payload]);
  // Each message is at most 2 + 65,535 bytes, so the kept remainder is bounded by the framing itself.
  while (buf.length >= 2) {
    const len = buf.readUInt16BE(0);
    if (buf.length < 2 + len) break;
    onMessage(s, buf.subarray(2, 2 + len), ts, opts);
    buf = buf.subarray(2 + len);
  }
  // Copy the remainder: the flow table may reuse the chunk's memory.
  s.partial[dir] = buf.length === 0 ? undefined : Buffer.from(buf);
}

function onMessage(s: DnsState, buf: Buffer, ts: Micros, opts: DnsObserverOptions): void {
  const msg = decodeDnsMessage(buf, opts);
  if (msg === undefined) {
    s.ctx.counters.inc('dns.short');
    return;
  }
  if (msg.anomaly !== undefined) s.ctx.counters.inc(`dns.${msg.anomaly}`);
  // Without the question there is nothing to report or match on.
  if (msg.questionName === undefined && msg.anomaly === 'decode_error') return;
  const key = `${msg.id}|${(msg.questionName ?? '').toLowerCase()}|${msg.questionType ?? ''}`;
  if (!msg.isResponse) {
    if (s.pending.has(key)) {
      s.ctx.counters.inc('dns.duplicate_query');
      return;
    }
    if (s.pending.size >= opts.maxPending) {
      const oldest = s.pending.entries().next().value;
      if (oldest !== undefined) {
        s.pending.delete(oldest[0]);
        s.ctx.counters.inc('dns.pending_evicted');
        emit(s, oldest[1].msg, undefined, oldest[1].ts, undefined);
      }
    }
    s.pending.set(key, { msg, ts });
    return;
  }
  const q = s.pending.get(key);
  if (q !== undefined) s.pending.delete(key);
  emit(s, q?.msg ?? msg, msg, q?.ts ?? ts, q === undefined ? undefined : ts - q.ts);
}

const OPCODE_UPDATE = 5;

function emit(s: DnsState, first: DnsMessage, resp: DnsMessage | undefined, ts: Micros, rtt: Micros | undefined): void {
  const m = resp ?? first;
  const base: DnsTransaction = {
    ts, endpoints: s.ep, id: first.id,
    questionName: m.questionName ?? first.questionName ?? '',
    questionType: m.questionType ?? first.questionType ?? '',
    questionClass: m.questionClass ?? first.questionClass ?? '',
    type: resp === undefined ? 'query' : 'answer',
    // In an UPDATE (RFC 2136) the answer section holds prerequisites, not answers.
    answers: resp !== undefined && resp.opcode !== OPCODE_UPDATE ? resp.answers : [],
    headerFlags: m.flags,
  };
  const withRcode: DnsTransaction = resp === undefined ? base : { ...base, responseCode: resp.rcode };
  s.ctx.emit({ type: 'dns', dns: rtt === undefined ? withRcode : { ...withRcode, rtt } });
}
