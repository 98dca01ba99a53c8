import type { Counters } from '../../core/counters.js';
import { TCP_FLAG, type FlowEndReason, type FlowRecord, type Micros, type Transport } from '../../core/types.js';
import { addressText, communityIdOf } from './endpoints.js';
import type { DirectionFn, UniFlow } from './types.js';

/** Options of the pairer (see CollectorOptions for meaning and defaults). */
export interface PairerOptions {
  readonly maxPending: number;
  readonly slackMicros: Micros;
  readonly holdMicros: Micros;
  readonly direction: DirectionFn;
}

/** Pairs unidirectional records into bidirectional FlowRecords by reverse 5-tuple (bounded). */
export interface Pairer {
  /** offer a record at export time `now` (µs) */
  add(u: UniFlow, now: Micros): void;
  /** emit records whose hold ran out at `now` one-sided; Infinity emits all */
  expire(now: Micros): void;
  size(): number;
}

/**
 * A waiting record: in one hash chain (`hnext`, by 5-tuple hash) and in the insertion-ordered list
 * (`prev`/`next`) whose head is the oldest, so eviction and expiry look at the head only.
 */
interface Pending {
  u: UniFlow;
  deadline: Micros;
  hash: number;
  hnext: Pending | undefined;
  prev: Pending | undefined;
  next: Pending | undefined;
}

function mix(h: number, v: number): number {
  const x = Math.imul(h ^ v, 0x85ebca6b);
  return x ^ (x >>> 13);
}

/** 32-bit hash of the 5-tuple as seen from the source (`reversed` false) or the destination. */
function tupleHash(u: UniFlow, reversed: boolean): number {
  let h = mix(0x9e3779b1, u.proto);
  if (reversed) {
    h = mix(mix(mix(mix(h, u.d0), u.d1), u.d2), u.d3);
    h = mix(mix(mix(mix(h, u.s0), u.s1), u.s2), u.s3);
    h = mix(h, (u.dstPort * 65536) + u.srcPort);
  } else {
    h = mix(mix(mix(mix(h, u.s0), u.s1), u.s2), u.s3);
    h = mix(mix(mix(mix(h, u.d0), u.d1), u.d2), u.d3);
    h = mix(h, (u.srcPort * 65536) + u.dstPort);
  }
  // 30 bits: a small integer on every V8 build, so Map keys are never boxed numbers
  return h & 0x3fffffff;
}

/** Whether `p` has the same exporter and 5-tuple as `u` (`reversed`: as u's reverse). */
function sameTuple(p: UniFlow, u: UniFlow, reversed: boolean): boolean {
  if (p.exporterAddr !== u.exporterAddr || p.proto !== u.proto || p.family !== u.family) return false;
  if (reversed) {
    return p.s0 === u.d0 && p.d0 === u.s0 && p.srcPort === u.dstPort && p.dstPort === u.srcPort
      && p.s1 === u.d1 && p.s2 === u.d2 && p.s3 === u.d3 && p.d1 === u.s1 && p.d2 === u.s2 && p.d3 === u.s3;
  }
  return p.s0 === u.s0 && p.d0 === u.d0 && p.srcPort === u.srcPort && p.dstPort === u.dstPort
    && p.s1 === u.s1 && p.s2 === u.s2 && p.s3 === u.s3 && p.d1 === u.d1 && p.d2 === u.d2 && p.d3 === u.d3;
}

function transportOf(proto: number): Transport {
  switch (proto) {
    case 6: return 'tcp';
    case 17: return 'udp';
    case 1: return 'icmp';
    case 58: return 'ipv6-icmp';
    case 132: return 'sctp';
    default: return `ip-proto-${proto}`;
  }
}

const SYN = TCP_FLAG.SYN;
const WELL_KNOWN_MAX = 1023;

/**
 * Which record is the originator: the only side with a SYN, else the earlier start, else the side whose
 * source port is ephemeral (higher) talking to a well-known or lower port. Returns true when `a` is.
 */
export function aOriginates(a: UniFlow, b: UniFlow): boolean {
  if (a.proto === 6) {
    const as = (a.tcpFlags & SYN) !== 0;
    const bs = (b.tcpFlags & SYN) !== 0;
    if (as !== bs) return as;
  }
  if (a.start !== b.start) return a.start < b.start;
  return a.srcPort >= a.dstPort;
}

/** A one-sided record reads as a reply when it comes from a well-known port to an ephemeral one. */
function looksLikeReply(u: UniFlow): boolean {
  if (u.proto !== 6 && u.proto !== 17) return false;
  if (u.proto === 6 && (u.tcpFlags & (SYN | TCP_FLAG.ACK)) === SYN) return false;
  return u.srcPort <= WELL_KNOWN_MAX && u.dstPort > WELL_KNOWN_MAX;
}

/** Creates a pairer that calls `onFlow` for every finished flow. Bound: `maxPending` waiting records. */
export function createPairer(opts: PairerOptions, onFlow: (f: FlowRecord) => void, counters: Counters): Pairer {
  const chains = new Map<number, Pending>();
  let head: Pending | undefined;
  let tail: Pending | undefined;
  let count = 0;
  let nextId = 0;

  const find = (h: number, u: UniFlow, reversed: boolean): Pending | undefined => {
    for (let p = chains.get(h); p !== undefined; p = p.hnext) if (sameTuple(p.u, u, reversed)) return p;
    return undefined;
  };

  const remove = (p: Pending): void => {
    const first = chains.get(p.hash);
    if (first === p) {
      if (p.hnext === undefined) chains.delete(p.hash); else chains.set(p.hash, p.hnext);
    } else {
      for (let q = first; q !== undefined; q = q.hnext) if (q.hnext === p) { q.hnext = p.hnext; break; }
    }
    if (p.prev === undefined) head = p.next; else p.prev.next = p.next;
    if (p.next === undefined) tail = p.prev; else p.next.prev = p.prev;
    p.prev = p.next = p.hnext = undefined;
    count--;
  };

  const append = (p: Pending): void => {
    p.hnext = chains.get(p.hash);
    chains.set(p.hash, p);
    p.prev = tail;
    p.next = undefined;
    if (tail === undefined) head = p; else tail.next = p;
    tail = p;
    count++;
  };

  /**
   * The FlowRecord of originator record `o` (`swap`: `o` is the responder's and the originator side is
   * empty) with the responder's counts `rb`/`rp`/`rf` when there is a reverse.
   */
  const build = (
    o: UniFlow, swap: boolean, rb: number, rp: number, rf: number, start: Micros, end: Micros, endReason: FlowEndReason,
  ): FlowRecord => {
    const origIp = addressText(o, swap);
    const respIp = addressText(o, !swap);
    const direction = opts.direction(origIp, respIp);
    const rec: { -readonly [K in keyof FlowRecord]: FlowRecord[K] } = {
      id: `nf${(nextId++).toString(36)}`,
      origin: 'netflow',
      transport: transportOf(o.proto),
      protoNumber: o.proto,
      origIp,
      origPort: swap ? o.dstPort : o.srcPort,
      respIp,
      respPort: swap ? o.srcPort : o.dstPort,
      origBytes: swap ? 0 : o.bytes,
      origPackets: swap ? 0 : o.packets,
      respBytes: swap ? o.bytes : rb,
      respPackets: swap ? o.packets : rp,
      origFrameBytes: 0,
      respFrameBytes: 0,
      start,
      end,
      origTcpFlags: swap ? 0 : o.tcpFlags,
      respTcpFlags: swap ? o.tcpFlags : rf,
      communityId: communityIdOf(o, swap),
      direction,
      endReason,
    };
    // same property order as before the speed work: vlan (when known), then exporter
    if (o.vlan !== undefined) rec.vlan = o.vlan;
    rec.exporter = o.exporterScope;
    return rec;
  };

  const emitOneSided = (u: UniFlow): void => {
    counters.inc('netflow.flows_one_sided');
    onFlow(build(u, looksLikeReply(u), 0, 0, 0, u.start, u.end, u.endReason ?? 'idle'));
  };

  const emitPair = (a: UniFlow, b: UniFlow): void => {
    counters.inc('netflow.flows_paired');
    const first = aOriginates(a, b);
    const o = first ? a : b;
    const r = first ? b : a;
    onFlow(build(o, false, r.bytes, r.packets, r.tcpFlags, Math.min(o.start, r.start), Math.max(o.end, r.end), r.endReason ?? o.endReason ?? 'idle'));
  };

  const near = (a: UniFlow, b: UniFlow): boolean =>
    a.start <= b.end + opts.slackMicros && b.start <= a.end + opts.slackMicros;

  const expire = (now: Micros): void => {
    // written as "not later" so a NaN deadline or clock behaves as the Map walk before it did: it expires
    while (head !== undefined && !(head.deadline > now)) {
      const p = head;
      remove(p);
      emitOneSided(p.u);
    }
  };

  return {
    add(u, now) {
      if (u.reverse !== undefined) {
        // RFC 5103 biflow: the exporter already paired it; the forward side is the initiator
        counters.inc('netflow.flows_biflow');
        onFlow(build(u, false, u.reverse.bytes, u.reverse.packets, u.reverse.tcpFlags, u.start, u.end, u.endReason ?? 'idle'));
        return;
      }
      const hf = tupleHash(u, false);
      const other = find(tupleHash(u, true), u, true);
      if (other !== undefined && near(other.u, u)) {
        remove(other);
        emitPair(other.u, u);
        return;
      }
      let node: Pending | undefined;
      const same = find(hf, u, false);
      if (same !== undefined) {
        remove(same);
        const s = same.u;
        if (near(s, u)) {
          // another report of the same direction (active timeout): the deltas add up
          s.bytes += u.bytes;
          s.packets += u.packets;
          s.tcpFlags |= u.tcpFlags;
          s.start = Math.min(s.start, u.start);
          s.end = Math.max(s.end, u.end);
          if (u.endReason !== undefined) s.endReason = u.endReason;
          node = same;
        } else emitOneSided(s);
      }
      while (count >= opts.maxPending && head !== undefined) {
        const oldest = head;
        remove(oldest);
        counters.inc('netflow.pair_evicted');
        emitOneSided(oldest.u);
      }
      if (node === undefined) node = { u, deadline: 0, hash: hf, hnext: undefined, prev: undefined, next: undefined };
      node.deadline = now + opts.holdMicros;
      append(node);
      expire(now);
    },
    expire,
    size: () => count,
  };
}
