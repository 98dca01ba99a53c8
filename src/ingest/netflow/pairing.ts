import type { Counters } from '../../core/counters.js';
import { TCP_FLAG, type FlowRecord, type Micros, type Transport } from '../../core/types.js';
import { communityId } from '../../flow/community-id.js';
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

interface Pending { u: UniFlow; deadline: Micros }

function key(exporter: string, proto: number, a: string, ap: number, b: string, bp: number): string {
  return `${exporter}|${proto}|${a}|${ap}|${b}|${bp}`;
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

/** Creates a pairer that calls `onFlow` for every finished flow. */
export function createPairer(opts: PairerOptions, onFlow: (f: FlowRecord) => void, counters: Counters): Pairer {
  const pending = new Map<string, Pending>();
  let nextId = 0;

  const build = (o: UniFlow, r: UniFlow | undefined, swapOneSided: boolean): FlowRecord => {
    // swapOneSided: the only record is the responder's, so the originator side carries zero
    const orig = swapOneSided ? undefined : o;
    const resp = swapOneSided ? o : r;
    const origIp = swapOneSided ? o.dstIp : o.srcIp;
    const respIp = swapOneSided ? o.srcIp : o.dstIp;
    const origPort = swapOneSided ? o.dstPort : o.srcPort;
    const respPort = swapOneSided ? o.srcPort : o.dstPort;
    const start = r === undefined ? o.start : Math.min(o.start, r.start);
    const end = r === undefined ? o.end : Math.max(o.end, r.end);
    const icmp = o.proto === 1 || o.proto === 58;
    const cid = swapOneSided
      ? communityId(o.dst, o.src, o.proto, icmp ? o.srcPort : o.dstPort, icmp ? o.dstPort : o.srcPort)
      : communityId(o.src, o.dst, o.proto, o.srcPort, o.dstPort);
    const endReason = r?.endReason ?? o.endReason ?? 'idle';
    return {
      id: `nf${(nextId++).toString(36)}`,
      origin: 'netflow',
      transport: transportOf(o.proto),
      protoNumber: o.proto,
      origIp, origPort, respIp, respPort,
      origBytes: orig?.bytes ?? 0,
      origPackets: orig?.packets ?? 0,
      respBytes: resp?.bytes ?? 0,
      respPackets: resp?.packets ?? 0,
      origFrameBytes: 0,
      respFrameBytes: 0,
      start,
      end,
      origTcpFlags: orig?.tcpFlags ?? 0,
      respTcpFlags: resp?.tcpFlags ?? 0,
      communityId: cid,
      direction: opts.direction(origIp, respIp),
      endReason,
      ...(o.vlan !== undefined ? { vlan: o.vlan } : {}),
      exporter: o.exporterScope,
    };
  };

  const emitOneSided = (u: UniFlow): void => {
    counters.inc('netflow.flows_one_sided');
    onFlow(build(u, undefined, looksLikeReply(u)));
  };

  const emitPair = (a: UniFlow, b: UniFlow): void => {
    counters.inc('netflow.flows_paired');
    onFlow(aOriginates(a, b) ? build(a, b, false) : build(b, a, false));
  };

  const near = (a: UniFlow, b: UniFlow): boolean =>
    a.start <= b.end + opts.slackMicros && b.start <= a.end + opts.slackMicros;

  const expire = (now: Micros): void => {
    for (const [k, p] of pending) {
      if (p.deadline > now) break;
      pending.delete(k);
      emitOneSided(p.u);
    }
  };

  return {
    add(u, now) {
      if (u.reverse !== undefined) {
        // RFC 5103 biflow: the exporter already paired it; the forward side is the initiator
        const rev: UniFlow = { ...u, src: u.dst, dst: u.src, srcIp: u.dstIp, dstIp: u.srcIp, srcPort: u.dstPort, dstPort: u.srcPort, bytes: u.reverse.bytes, packets: u.reverse.packets, tcpFlags: u.reverse.tcpFlags };
        counters.inc('netflow.flows_biflow');
        onFlow(build(u, rev, false));
        return;
      }
      const fwd = key(u.exporterAddr, u.proto, u.srcIp, u.srcPort, u.dstIp, u.dstPort);
      const back = key(u.exporterAddr, u.proto, u.dstIp, u.dstPort, u.srcIp, u.srcPort);
      const other = pending.get(back);
      if (other !== undefined && near(other.u, u)) {
        pending.delete(back);
        emitPair(other.u, u);
        return;
      }
      const same = pending.get(fwd);
      if (same !== undefined) {
        pending.delete(fwd);
        if (near(same.u, u)) {
          // another report of the same direction (active timeout): the deltas add up
          u = { ...same.u, bytes: same.u.bytes + u.bytes, packets: same.u.packets + u.packets, tcpFlags: same.u.tcpFlags | u.tcpFlags, start: Math.min(same.u.start, u.start), end: Math.max(same.u.end, u.end), ...(u.endReason !== undefined ? { endReason: u.endReason } : {}) };
        } else emitOneSided(same.u);
      }
      while (pending.size >= opts.maxPending) {
        const oldest = pending.entries().next();
        if (oldest.done === true) break;
        pending.delete(oldest.value[0]);
        counters.inc('netflow.pair_evicted');
        emitOneSided(oldest.value[1].u);
      }
      pending.set(fwd, { u, deadline: now + opts.holdMicros });
      expire(now);
    },
    expire,
    size: () => pending.size,
  };
}
