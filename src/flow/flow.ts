import type { AppObserver } from '../app/observer.js';
import type { AppProto, Endpoints, FlowEndReason, FlowRecord, Micros, NetworkDirection, Transport } from '../core/types.js';
import type { Deliver, TcpStreamDir } from './tcp-stream.js';

/** Which timeout list a flow sits in. */
export type FlowList = 'tcp' | 'udp' | 'other' | 'closing';

/**
 * A live flow in the table. Mutable on purpose: it is updated on every packet.
 * `a` is the originator (orig), `b` the responder.
 */
export interface Flow {
  readonly hash: number;
  /** next flow in the same hash bucket */
  bucketNext: Flow | undefined;
  /** neighbours in the flow's timeout list (least recently active first) */
  prev: Flow | undefined;
  next: Flow | undefined;
  list: FlowList;

  readonly id: string;
  readonly proto: number;
  readonly transport: Transport;
  aAddr: Uint8Array;
  bAddr: Uint8Array;
  aPort: number;
  bPort: number;
  aIp: string;
  bIp: string;
  start: Micros;
  last: Micros;
  lastReport: Micros;
  aBytes: number;
  aPackets: number;
  aFrameBytes: number;
  bBytes: number;
  bPackets: number;
  bFrameBytes: number;
  aFlags: number;
  bFlags: number;
  /** a pure SYN was seen from the originator: its role is settled */
  synSeen: boolean;
  finA: boolean;
  finB: boolean;
  rst: boolean;
  vlan: number;
  communityId: string;
  direction: NetworkDirection;
  app: AppProto | undefined;
  serverName: string | undefined;
  ftpControlId: string | undefined;
  /** app observer: undefined = not asked yet, null = none wanted this flow */
  observer: AppObserver<unknown> | null | undefined;
  observerState: unknown;
  streamA: TcpStreamDir | undefined;
  streamB: TcpStreamDir | undefined;
  /** reassembled TCP data of each side to the observer: made once per flow, not per segment */
  deliverOrig: Deliver | undefined;
  deliverResp: Deliver | undefined;
}

/** Endpoints of a flow as observers see them (client = originator). */
export function flowEndpoints(f: Flow): Endpoints {
  return {
    transport: f.transport,
    clientIp: f.aIp,
    clientPort: f.aPort,
    serverIp: f.bIp,
    serverPort: f.bPort,
    communityId: f.communityId,
    flowId: f.id,
    direction: f.direction,
  };
}

/** Snapshot of a flow for its report. */
export function flowRecord(f: Flow, endReason: FlowEndReason): FlowRecord {
  return {
    id: f.id,
    origin: 'packet',
    transport: f.transport,
    protoNumber: f.proto,
    origIp: f.aIp,
    origPort: f.aPort,
    respIp: f.bIp,
    respPort: f.bPort,
    origBytes: f.aBytes,
    origPackets: f.aPackets,
    respBytes: f.bBytes,
    respPackets: f.bPackets,
    origFrameBytes: f.aFrameBytes,
    respFrameBytes: f.bFrameBytes,
    start: f.start,
    end: f.last,
    origTcpFlags: f.aFlags,
    respTcpFlags: f.bFlags,
    communityId: f.communityId,
    direction: f.direction,
    endReason,
    ...(f.app !== undefined ? { app: f.app } : {}),
    ...(f.serverName !== undefined ? { serverName: f.serverName } : {}),
    ...(f.ftpControlId !== undefined ? { ftpControlId: f.ftpControlId } : {}),
    ...(f.vlan >= 0 ? { vlan: f.vlan } : {}),
  };
}

/** Swap the roles of the two sides (a SYN showed the responder is the real originator). */
export function swapSides(f: Flow): void {
  [f.aAddr, f.bAddr] = [f.bAddr, f.aAddr];
  [f.aPort, f.bPort] = [f.bPort, f.aPort];
  [f.aIp, f.bIp] = [f.bIp, f.aIp];
  [f.aBytes, f.bBytes] = [f.bBytes, f.aBytes];
  [f.aPackets, f.bPackets] = [f.bPackets, f.aPackets];
  [f.aFrameBytes, f.bFrameBytes] = [f.bFrameBytes, f.aFrameBytes];
  [f.aFlags, f.bFlags] = [f.bFlags, f.aFlags];
  [f.finA, f.finB] = [f.finB, f.finA];
  [f.streamA, f.streamB] = [f.streamB, f.streamA];
}

/** IP address bytes as text: dotted quad, or RFC 5952 compressed IPv6. */
export function ipToString(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  // Longest run of two or more zero words becomes '::'.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (isV4Mapped(words)) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function isV4Mapped(w: number[]): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff;
}
