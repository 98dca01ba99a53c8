/**
 * A TCP connection model seen from a capture point next to the client: three-way handshake with
 * Linux-like options (MSS, SACK_PERM, timestamps, window scale 7), MSS-sized segments paced by a
 * bandwidth figure, correct sequence and acknowledgement numbers, a delayed ACK every second segment
 * (or after 40 ms), piggy-backed ACKs on replies, and a FIN teardown.
 *
 * Times are µs on one clock. A client packet is captured when sent; a server packet one one-way delay
 * (rtt/2) after the server sent it.
 */
import { TCP_FLAG } from '../../src/core/types.js';
import { createStream, type ByteStream, type StreamSlice } from './byte-stream.js';
import type { Capture } from './capture.js';
import { buildFrame, literal, type LinkSpec, type VlanTag } from './packet.js';

/** One end of a connection. For the server, `mac` is the MAC the client sees (its gateway). */
export interface TcpEnd {
  readonly ip: string;
  readonly port: number;
  readonly mac: string;
}

/** How a connection runs. */
export interface TcpSessionOptions {
  readonly client: TcpEnd;
  readonly server: TcpEnd;
  /** time the client sends its SYN, µs */
  readonly start: number;
  /** round-trip time between client and server, µs */
  readonly rttUs: number;
  /** bottleneck rate client → server and server → client, bit/s */
  readonly upBps: number;
  readonly downBps: number;
  /** Ethernet (default) or raw IP frames */
  readonly link?: 'ether' | 'raw';
  readonly vlans?: readonly VlanTag[];
  /** add a hop-by-hop header to every n-th IPv6 packet (0: never) */
  readonly hopByHopEvery?: number;
  readonly interfaceId?: number;
  /** bytes of a bulk frame the capture keeps */
  readonly snapLen: number;
  /** the capture starts after the handshake: write no SYN, SYN-ACK, ACK */
  readonly midStream?: boolean;
}

/** Which side acts. */
export type Side = 'c' | 's';

/** Options of one send. */
export interface SendOptions {
  /** wait after the side last received (or last sent), µs */
  readonly delayUs?: number;
  /** segments starting within this many bytes of the send are kept whole; later ones are cut to the snap length */
  readonly keepWhole?: number;
}

/** A live connection. */
export interface TcpSession {
  /** the byte stream a side sends from: push onto it, then send(side, n) */
  readonly stream: (side: Side) => ByteStream;
  /** sends `data` (or `n` pool bytes already pushed onto stream(side)) from one side; returns its first and last capture times */
  send(side: Side, data: Uint8Array | number, opts?: SendOptions): { first: number; last: number };
  /** FIN from `side`, FIN from the peer, last ACK */
  close(side: Side, delayUs?: number): number;
  /** the time (µs) a side has received everything so far and is free to act */
  readyAt(side: Side): number;
}

const DELAYED_ACK_US = 40_000;
const PROCESS_US = 30;
const WINDOW_SCALE = 7;

interface SideState {
  isn: number;
  sndNxt: number;
  rcvNxt: number;
  freeAt: number;
  lastRecv: number;
  pendingSegs: number;
  ipId: number;
  tsBase: number;
  flowLabel: number;
  window: number;
  stream: ByteStream;
}

/** Opens a connection: writes the three-way handshake into the capture. */
export function openTcpSession(cap: Capture, o: TcpSessionOptions): TcpSession {
  const rng = cap.rng;
  const v6 = o.client.ip.includes(':');
  const mss = v6 ? 1440 : 1460;
  const segPayload = mss - 12; // timestamps option on every segment
  const owd = o.rttUs / 2;
  const mk = (window: number): SideState => ({
    isn: rng.u32(), sndNxt: 0, rcvNxt: 0, freeAt: o.start, lastRecv: o.start, pendingSegs: 0,
    ipId: rng.int(0, 0xffff), tsBase: rng.u32(), flowLabel: rng.int(1, 0xfffff), window,
    stream: createStream(cap.pool, rng),
  });
  const st: Record<Side, SideState> = { c: mk(rng.int(2000, 4000)), s: mk(rng.int(12000, 16000)) };
  const linkKind = o.link ?? 'ether';
  const links: Record<Side, LinkSpec> =
    linkKind === 'raw'
      ? { c: { kind: 'raw' }, s: { kind: 'raw' } }
      : {
          c: { kind: 'ether', srcMac: o.client.mac, dstMac: o.server.mac, ...(o.vlans ? { vlans: o.vlans } : {}) },
          s: { kind: 'ether', srcMac: o.server.mac, dstMac: o.client.mac, pad: true, ...(o.vlans ? { vlans: o.vlans } : {}) },
        };
  const headerBytes = (linkKind === 'raw' ? 0 : 14 + 4 * (o.vlans?.length ?? 0)) + (v6 ? 40 : 20) + 32;
  let packetNo = 0;

  // options are copied into each frame, so two scratch buffers serve every packet
  const synScratch = Uint8Array.of(2, 4, mss >> 8, mss & 0xff, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, WINDOW_SCALE);
  const tsScratch = Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0);
  const views = new Map<Uint8Array, DataView>([[synScratch, new DataView(synScratch.buffer)], [tsScratch, new DataView(tsScratch.buffer)]]);
  const optView = (b: Uint8Array): DataView => views.get(b) ?? new DataView(b.buffer);
  const tsOpt = (side: Side, t: number, synOpts: boolean): Uint8Array => {
    const peer = side === 'c' ? 's' : 'c';
    const val = (st[side].tsBase + Math.floor(t / 1000)) >>> 0;
    const ecr = synOpts && side === 'c' ? 0 : (st[peer].tsBase + Math.floor((t - owd) / 1000)) >>> 0;
    const opt = synOpts ? synScratch : tsScratch;
    const at = synOpts ? 8 : 4;
    optView(opt).setUint32(at, val);
    optView(opt).setUint32(at + 4, ecr);
    return opt;
  };

  const emit = (side: Side, t: number, flags: number, payload: StreamSlice, syn = false): void => {
    const s = st[side];
    const from = side === 'c' ? o.client : o.server;
    const to = side === 'c' ? o.server : o.client;
    packetNo++;
    const hbh = (o.hopByHopEvery ?? 0) > 0 && packetNo % (o.hopByHopEvery ?? 1) === 0;
    const ip = v6
      ? { v: 6 as const, src: from.ip, dst: to.ip, hopLimit: side === 'c' ? 64 : 52, flowLabel: s.flowLabel, hopByHop: hbh }
      : { v: 4 as const, src: from.ip, dst: to.ip, ttl: side === 'c' ? 64 : 52, id: s.ipId, df: true };
    s.ipId = (s.ipId + 1) & 0xffff;
    const ackFlag = (flags & TCP_FLAG.ACK) !== 0;
    const frame = buildFrame(links[side], ip, {
      proto: 'tcp', sport: from.port, dport: to.port,
      seq: (s.isn + s.sndNxt) >>> 0,
      ack: ackFlag ? (st[side === 'c' ? 's' : 'c'].isn + s.rcvNxt) >>> 0 : 0,
      flags, window: syn ? 64240 : s.window, options: tsOpt(side, t, syn),
    }, payload);
    const capTs = side === 'c' ? t : t + owd;
    cap.add(capTs, frame, {
      transport: 'tcp', src: from.ip, sport: from.port, dst: to.ip, dport: to.port, payloadBytes: payload.length,
      ...(o.vlans?.[0] ? { vlan: o.vlans[0].id } : {}),
    }, o.interfaceId ?? 0);
  };

  const empty = literal(new Uint8Array(0));
  // a delayed ACK fires when the side still owes one and its timer ran out before `until`
  const flushDelayed = (side: Side, until: number): void => {
    const s = st[side];
    if (s.pendingSegs > 0 && s.lastRecv + DELAYED_ACK_US < until) {
      emit(side, s.lastRecv + DELAYED_ACK_US, TCP_FLAG.ACK, empty);
      s.pendingSegs = 0;
      s.freeAt = Math.max(s.freeAt, s.lastRecv + DELAYED_ACK_US);
    }
  };

  // handshake
  const c = st.c;
  const s = st.s;
  const midStream = o.midStream === true;
  if (!midStream) emit('c', o.start, TCP_FLAG.SYN, empty, true);
  c.sndNxt = 1;
  s.rcvNxt = 1;
  const synAckAt = o.start + owd + PROCESS_US;
  if (!midStream) emit('s', synAckAt, TCP_FLAG.SYN | TCP_FLAG.ACK, empty, true);
  s.sndNxt = 1;
  c.rcvNxt = 1;
  const ackAt = synAckAt + owd + PROCESS_US;
  if (!midStream) emit('c', ackAt, TCP_FLAG.ACK, empty);
  c.freeAt = c.lastRecv = ackAt;
  s.freeAt = s.lastRecv = ackAt + owd;

  const send = (side: Side, data: Uint8Array | number, opts: SendOptions = {}): { first: number; last: number } => {
    const me = st[side];
    const peerSide: Side = side === 'c' ? 's' : 'c';
    const peer = st[peerSide];
    const stream = me.stream;
    let n: number;
    if (typeof data === 'number') n = data;
    else {
      stream.pushBytes(data);
      n = data.length;
    }
    const t0 = Math.max(me.freeAt, me.lastRecv) + (opts.delayUs ?? PROCESS_US);
    flushDelayed(side, t0);
    me.pendingSegs = 0; // our data carries the ACK
    const bps = side === 'c' ? o.upBps : o.downBps;
    const keepWhole = opts.keepWhole ?? Infinity;
    let t = t0;
    let off = 0;
    let first = -1;
    let last = t0;
    while (off < n) {
      const len = Math.min(segPayload, n - off);
      const whole = off < keepWhole;
      const slice = stream.take(len, whole ? len : Math.max(0, o.snapLen - headerBytes));
      const end = off + len >= n;
      const arrive = t + owd;
      flushDelayed(peerSide, arrive);
      emit(side, t, TCP_FLAG.ACK | (end ? TCP_FLAG.PSH : 0), slice);
      if (first < 0) first = side === 'c' ? t : t + owd;
      last = side === 'c' ? t : t + owd;
      me.sndNxt += len;
      peer.rcvNxt += len;
      peer.lastRecv = arrive;
      peer.pendingSegs++;
      if (peer.pendingSegs >= 2) {
        emit(peerSide, arrive + PROCESS_US, TCP_FLAG.ACK, empty);
        peer.pendingSegs = 0;
        peer.freeAt = Math.max(peer.freeAt, arrive + PROCESS_US);
      }
      off += len;
      t += ((headerBytes + len) * 8 * 1e6) / bps;
    }
    me.freeAt = t;
    return { first, last };
  };

  const close = (side: Side, delayUs = PROCESS_US): number => {
    const me = st[side];
    const peerSide: Side = side === 'c' ? 's' : 'c';
    const peer = st[peerSide];
    const t = Math.max(me.freeAt, me.lastRecv) + delayUs;
    flushDelayed(side, t);
    flushDelayed(peerSide, t + owd);
    me.pendingSegs = 0;
    emit(side, t, TCP_FLAG.FIN | TCP_FLAG.ACK, empty);
    me.sndNxt += 1;
    peer.rcvNxt += 1;
    const t2 = Math.max(t + owd, peer.freeAt) + PROCESS_US;
    emit(peerSide, t2, TCP_FLAG.FIN | TCP_FLAG.ACK, empty);
    peer.sndNxt += 1;
    me.rcvNxt += 1;
    const t3 = t2 + owd + PROCESS_US;
    emit(side, t3, TCP_FLAG.ACK, empty);
    me.freeAt = me.lastRecv = t3;
    peer.freeAt = peer.lastRecv = t3 + owd;
    return side === 'c' ? t3 : t3 + owd;
  };

  return {
    stream: (side) => st[side].stream,
    send,
    close,
    readyAt: (side) => Math.max(st[side].freeAt, st[side].lastRecv),
  };
}
