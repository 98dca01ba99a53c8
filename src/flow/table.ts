import { randomInt } from 'node:crypto';
import type { AppObserver, Dir, ObserverContext } from '../app/observer.js';
import type { Counters } from '../core/counters.js';
import { IPPROTO, TCP_FLAG, type DecodedPacket, type EmitFn, type FlowEndReason, type Micros, type NetworkDirection, type Transport } from '../core/types.js';
import { communityId } from './community-id.js';
import { createExpectations, type Expectations } from './expectations.js';
import { flowEndpoints, flowRecord, ipToString, swapSides, type Flow, type FlowList } from './flow.js';
import { createStreamDir, streamAcked, streamFlush, streamSegment, streamSyn } from './tcp-stream.js';

/** Settings of the flow table; every bound is here. Times in seconds of packet time. */
export interface FlowTableOptions {
  /** most flows held at once; the least recently active is evicted (and reported) beyond it */
  readonly maxFlows: number;
  readonly idleTimeout: { readonly tcp: number; readonly udp: number; readonly other: number };
  /** how long a TCP flow lingers after FIN from both sides or RST, for the last ACKs */
  readonly closedTimeout: number;
  /** a long flow is reported every this many seconds, cumulatively, and keeps counting */
  readonly activeTimeout: number;
  /** out-of-order bytes buffered per direction for an app observer */
  readonly maxStreamBuffer: number;
  /** announced connections (FTP data) held at once */
  readonly maxExpectations: number;
  readonly communityIdSeed: number;
}

export const DEFAULT_FLOW_OPTIONS: FlowTableOptions = {
  maxFlows: 262_144,
  idleTimeout: { tcp: 300, udp: 60, other: 60 },
  closedTimeout: 5,
  activeTimeout: 300,
  maxStreamBuffer: 65_536,
  maxExpectations: 4_096,
  communityIdSeed: 0,
};

export interface FlowTableDeps {
  readonly emit: EmitFn;
  readonly counters: Counters;
  readonly direction: (orig: string, resp: string) => NetworkDirection;
  readonly observers: readonly AppObserver<unknown>[];
}

export interface FlowTable {
  /** account one decoded packet (its fields are read now, not kept) */
  packet(p: DecodedPacket): void;
  /** advance packet time with no packet (an idle live interface still expires flows) */
  tick(now: Micros): void;
  /** report and drop every flow, e.g. at the end of a replay */
  flush(reason: FlowEndReason): void;
  readonly size: () => number;
}

const SEC = 1_000_000;

export function createFlowTable(opts: FlowTableOptions, deps: FlowTableDeps): FlowTable {
  const { emit, counters, observers } = deps;
  const buckets = new Map<number, Flow>();
  const lists: Record<FlowList, { head: Flow | undefined; tail: Flow | undefined }> = {
    tcp: { head: undefined, tail: undefined },
    udp: { head: undefined, tail: undefined },
    other: { head: undefined, tail: undefined },
    closing: { head: undefined, tail: undefined },
  };
  const timeouts: Record<FlowList, number> = {
    tcp: opts.idleTimeout.tcp * SEC,
    udp: opts.idleTimeout.udp * SEC,
    other: opts.idleTimeout.other * SEC,
    closing: opts.closedTimeout * SEC,
  };
  const expectations: Expectations = createExpectations(opts.maxExpectations, counters);
  const hashSeed = randomInt(0x7fffffff);
  let count = 0;
  let nextId = 0;
  let now = 0;
  let lastSweep = 0;

  function unlink(f: Flow): void {
    const l = lists[f.list];
    if (f.prev) f.prev.next = f.next; else l.head = f.next;
    if (f.next) f.next.prev = f.prev; else l.tail = f.prev;
    f.prev = f.next = undefined;
  }

  function append(f: Flow, list: FlowList): void {
    const l = lists[list];
    f.list = list;
    f.prev = l.tail;
    f.next = undefined;
    if (l.tail) l.tail.next = f; else l.head = f;
    l.tail = f;
  }

  function removeFromBucket(f: Flow): void {
    let cur = buckets.get(f.hash);
    if (cur === f) {
      if (f.bucketNext) buckets.set(f.hash, f.bucketNext); else buckets.delete(f.hash);
      return;
    }
    while (cur && cur.bucketNext !== f) cur = cur.bucketNext;
    if (cur) cur.bucketNext = f.bucketNext;
  }

  function finish(f: Flow, reason: FlowEndReason): void {
    closeObserver(f);
    unlink(f);
    removeFromBucket(f);
    count--;
    counters.inc(`flow.ended.${reason}`);
    emit({ type: 'flow', flow: flowRecord(f, reason) });
  }

  function closeObserver(f: Flow): void {
    const obs = f.observer;
    if (!obs) return;
    if (f.streamA) streamFlush(f.streamA, (d, gap) => feed(f, 'orig', d, gap));
    if (f.streamB) streamFlush(f.streamB, (d, gap) => feed(f, 'resp', d, gap));
    if (f.observer) guard(f, () => obs.close(f.observerState, f.last));
    f.observer = null;
  }

  // A bug in one observer is counted and switches it off for that flow; capture goes on.
  function guard(f: Flow, fn: () => void): void {
    try {
      fn();
    } catch {
      counters.inc(`app.${f.observer?.name ?? 'unknown'}.observer_error`);
      f.observer = null;
    }
  }

  function feed(f: Flow, dir: Dir, data: Uint8Array, gap: boolean): void {
    const obs = f.observer;
    if (!obs) return;
    // guard() inlined: this runs per data segment, and a closure per call was garbage
    try {
      if (!obs.data(f.observerState, dir, data, now, gap)) {
        obs.close(f.observerState, now);
        f.observer = null;
      }
    } catch {
      counters.inc(`app.${f.observer?.name ?? 'unknown'}.observer_error`);
      f.observer = null;
    }
  }

  function context(f: Flow): ObserverContext {
    return {
      emit,
      counters,
      expect: (e) => expectations.add(e),
      setServerName: (name) => { f.serverName = name; },
      setApp: (app) => { f.app = app; },
    };
  }

  function sweep(): void {
    for (const name of ['closing', 'udp', 'other', 'tcp'] as const) {
      const l = lists[name];
      const limit = now - timeouts[name];
      while (l.head && l.head.last < limit) finish(l.head, name === 'closing' ? (l.head.rst ? 'rst' : 'fin') : 'idle');
    }
    expectations.expire(now);
  }

  function evictOldest(): void {
    let victim: Flow | undefined;
    for (const name of ['closing', 'udp', 'other', 'tcp'] as const) {
      const h = lists[name].head;
      if (h && (!victim || h.last < victim.last)) victim = h;
    }
    if (victim) finish(victim, 'evicted');
  }

  /** A new flow; `reversed` when the first packet came from the responder (a SYN-ACK whose SYN was missed). */
  function create(p: DecodedPacket, hash: number, reversed: boolean): Flow {
    if (count >= opts.maxFlows) evictOldest();
    const aAddr = new Uint8Array(reversed ? p.dst : p.src);
    const bAddr = new Uint8Array(reversed ? p.src : p.dst);
    const aPort = reversed ? p.dstPort : p.srcPort;
    const bPort = reversed ? p.srcPort : p.dstPort;
    const aIp = ipToString(aAddr);
    const bIp = ipToString(bAddr);
    const f: Flow = {
      hash, bucketNext: buckets.get(hash), prev: undefined, next: undefined, list: 'other',
      id: `F${(nextId++).toString(36)}`,
      proto: p.proto, transport: transportName(p.proto),
      aAddr, bAddr, aPort, bPort, aIp, bIp,
      start: p.ts, last: p.ts, lastReport: p.ts,
      aBytes: 0, aPackets: 0, aFrameBytes: 0, bBytes: 0, bPackets: 0, bFrameBytes: 0, aFlags: 0, bFlags: 0,
      synSeen: false, finA: false, finB: false, rst: false, vlan: p.vlan,
      communityId: communityId(aAddr, bAddr, p.proto, aPort, bPort, opts.communityIdSeed),
      direction: deps.direction(aIp, bIp),
      app: undefined, serverName: undefined, ftpControlId: undefined,
      observer: undefined, observerState: undefined, streamA: undefined, streamB: undefined,
      deliverOrig: undefined, deliverResp: undefined,
    };
    const exp = p.proto === IPPROTO.TCP ? expectations.take(aIp, bIp, bPort, p.ts) : undefined;
    if (exp) {
      f.app = exp.app;
      f.ftpControlId = exp.controlId;
    }
    buckets.set(hash, f);
    append(f, p.proto === IPPROTO.TCP ? 'tcp' : p.proto === IPPROTO.UDP ? 'udp' : 'other');
    count++;
    counters.inc('flow.created');
    return f;
  }

  // set by lookup: whether the packet came from side a (no result object per packet)
  let lookupFromA = true;

  function lookup(p: DecodedPacket, hash: number): Flow | undefined {
    for (let f = buckets.get(hash); f; f = f.bucketNext) {
      if (f.proto !== p.proto) continue;
      if (f.aPort === p.srcPort && f.bPort === p.dstPort && eq(f.aAddr, p.src) && eq(f.bAddr, p.dst)) { lookupFromA = true; return f; }
      if (f.aPort === p.dstPort && f.bPort === p.srcPort && eq(f.aAddr, p.dst) && eq(f.bAddr, p.src)) { lookupFromA = false; return f; }
    }
    return undefined;
  }

  function packet(p: DecodedPacket): void {
    if (p.ts > now) now = p.ts;
    if (now - lastSweep >= SEC) {
      lastSweep = now;
      sweep();
    }
    const hash = flowHash(p, hashSeed);
    const isTcp = p.proto === IPPROTO.TCP;
    const pureSyn = isTcp && (p.tcpFlags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === TCP_FLAG.SYN;
    let hit = lookup(p, hash);
    const hitFromA = lookupFromA;
    // A new SYN on a closed connection's 5-tuple starts a new connection (port reuse).
    if (hit && pureSyn && hit.list === 'closing') {
      finish(hit, hit.rst ? 'rst' : 'fin');
      hit = undefined;
    }
    const synAck = isTcp && (p.tcpFlags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === (TCP_FLAG.SYN | TCP_FLAG.ACK);
    const f = hit ?? create(p, hash, synAck);
    let fromA = hit ? hitFromA : !synAck;
    if (pureSyn && !f.synSeen) {
      f.synSeen = true;
      if (!fromA) {
        // The first packet we saw came from the responder; the SYN sender is the originator.
        swapSides(f);
        fromA = true;
      }
    }
    if (p.ts > f.last) f.last = p.ts;
    if (fromA) {
      f.aBytes += p.ipBytes; f.aPackets += p.frames; f.aFrameBytes += p.frameBytes; f.aFlags |= p.tcpFlags;
    } else {
      f.bBytes += p.ipBytes; f.bPackets += p.frames; f.bFrameBytes += p.frameBytes; f.bFlags |= p.tcpFlags;
    }
    if (isTcp) tcpState(f, p, fromA);
    if (f.observer !== null && (p.payload.length > 0 || (isTcp && f.observer !== undefined))) observe(f, p, fromA);
    // Move to the tail of its list: it is now the most recently active.
    const list = f.list;
    unlink(f);
    append(f, list);
    if (p.ts - f.lastReport >= opts.activeTimeout * SEC && f.list !== 'closing') {
      f.lastReport = p.ts;
      counters.inc('flow.active_reports');
      emit({ type: 'flow', flow: flowRecord(f, 'active') });
    }
  }

  function tcpState(f: Flow, p: DecodedPacket, fromA: boolean): void {
    const flags = p.tcpFlags;
    if (flags & TCP_FLAG.RST) f.rst = true;
    if (flags & TCP_FLAG.FIN) { if (fromA) f.finA = true; else f.finB = true; }
    if (f.list !== 'closing' && (f.rst || (f.finA && f.finB))) {
      unlink(f);
      append(f, 'closing');
    }
  }

  function observe(f: Flow, p: DecodedPacket, fromA: boolean): void {
    const dir: Dir = fromA ? 'orig' : 'resp';
    if (f.observer === undefined) {
      if (p.payload.length === 0) return;
      const ep = flowEndpoints(f);
      const obs = observers.find((o) => o.accepts(ep, dir, p.payload));
      if (!obs) { f.observer = null; return; }
      f.observer = obs;
      guard(f, () => { f.observerState = obs.open(ep, context(f)); });
      if (!f.observer) return;
      if (f.proto === IPPROTO.TCP) {
        f.streamA = createStreamDir();
        f.streamB = createStreamDir();
        f.deliverOrig = (d, gap) => feed(f, 'orig', d, gap);
        f.deliverResp = (d, gap) => feed(f, 'resp', d, gap);
      }
    }
    if (f.proto !== IPPROTO.TCP) { feed(f, dir, p.payload, false); return; }
    const s = fromA ? f.streamA : f.streamB;
    const deliver = fromA ? f.deliverOrig : f.deliverResp;
    if (!s || !deliver) return;
    // An ACK past a hole in the other direction means the capture lost those bytes: skip it now.
    const other = fromA ? f.streamB : f.streamA;
    const otherDeliver = fromA ? f.deliverResp : f.deliverOrig;
    if (other && otherDeliver && (p.tcpFlags & TCP_FLAG.ACK) && streamAcked(other, p.ack, otherDeliver)) counters.inc('tcp.capture_loss_gap');
    if (p.tcpFlags & TCP_FLAG.SYN) streamSyn(s, p.seq);
    if (p.payload.length === 0) return;
    if (streamSegment(s, p.seq, p.payload, opts.maxStreamBuffer, deliver)) counters.inc('tcp.reassembly_gap');
  }

  return {
    packet,
    tick(t) {
      if (t > now) now = t;
      lastSweep = now;
      sweep();
    },
    flush(reason) {
      for (const name of ['closing', 'udp', 'other', 'tcp'] as const) {
        while (lists[name].head) {
          const f = lists[name].head;
          if (!f) break;
          finish(f, name === 'closing' ? (f.rst ? 'rst' : 'fin') : reason);
        }
      }
    },
    size: () => count,
  };
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Symmetric: both directions of a flow hash alike, without building a string per packet. The seed is
// random per table so that nobody on the wire can aim packets at one bucket (output does not depend on it).
function flowHash(p: DecodedPacket, seed: number): number {
  return (endpointHash(p.src, p.srcPort, seed) + endpointHash(p.dst, p.dstPort, seed) + p.proto * 0x9e3779b1) | 0;
}

function endpointHash(addr: Uint8Array, port: number, seed: number): number {
  let h = (0x811c9dc5 ^ seed ^ port) | 0;
  for (let i = 0; i < addr.length; i++) h = Math.imul(h ^ (addr[i] ?? 0), 0x01000193);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d);
}

function transportName(proto: number): Transport {
  switch (proto) {
    case IPPROTO.TCP: return 'tcp';
    case IPPROTO.UDP: return 'udp';
    case IPPROTO.ICMP: return 'icmp';
    case IPPROTO.ICMPV6: return 'ipv6-icmp';
    case IPPROTO.SCTP: return 'sctp';
    default: return `ip-proto-${proto}`;
  }
}
