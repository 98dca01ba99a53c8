import { execFileSync } from 'node:child_process';
import { createCounters, type Counters } from '../../src/core/counters.js';
import type { Endpoints, SensorEvent } from '../../src/core/types.js';
import { createObservers, OBSERVER_ORDER } from '../../src/app/index.js';
import type { AppObserver, Dir, ObserverContext } from '../../src/app/observer.js';

/**
 * A private stand-in for the flow table, for these tests only: tshark lists every TCP/UDP payload of a
 * capture (retransmissions dropped, no other reassembly), and we feed the observers per stream and
 * direction in capture order. It is good enough on the corpus captures we compare against the manifest.
 */

export const CORPUS = new URL('../../../shared/corpus/', import.meta.url).pathname;

export interface DriverResult {
  readonly events: SensorEvent[];
  readonly counters: Counters;
  readonly expects: Parameters<ObserverContext['expect']>[0][];
  readonly serverNames: string[];
}

interface Stream {
  readonly ep: Endpoints;
  readonly origKey: string;
  obs?: AppObserver<unknown>;
  state?: unknown;
  feeding: boolean;
  asked: boolean;
}

const FIELDS = [
  'frame.time_epoch', 'tcp.stream', 'udp.stream', 'ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst',
  'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'tcp.flags', 'tcp.analysis.retransmission',
  'tcp.payload', 'udp.payload',
];

/** Replay one capture through the observers; `file` is relative to the corpus folder. */
export function replayCapture(file: string): DriverResult {
  const out = execFileSync('tshark', [
    '-n', '-r', `${CORPUS}${file}`, '-Y', 'tcp.len>0 or tcp.flags.syn==1 or udp',
    '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=l', ...FIELDS.flatMap((f) => ['-e', f]),
  ], { maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] }).toString('latin1');
  const counters = createCounters();
  const events: SensorEvent[] = [];
  const expects: DriverResult['expects'] = [];
  const serverNames: string[] = [];
  const ctx: ObserverContext = {
    emit: (e) => events.push(e), counters, expect: (e) => expects.push(e),
    setServerName: (n) => serverNames.push(n), setApp: () => undefined,
  };
  const observers = createObservers();
  const streams = new Map<string, Stream>();
  let lastTs = 0;
  for (const line of out.split('\n')) {
    const f = line.split('|');
    if (f.length < FIELDS.length) continue;
    const [time, tcpStream, udpStream, ip4s, ip6s, ip4d, ip6d, tsp, tdp, usp, udp, flags, retrans, tpay, upay] = f;
    const tcp = (tcpStream ?? '') !== '';
    if (!tcp && (udpStream ?? '') === '') continue;
    const src = `${ip4s || ip6s}`;
    const dst = `${ip4d || ip6d}`;
    const sp = Number(tcp ? tsp : usp);
    const dp = Number(tcp ? tdp : udp);
    const ts = Math.round(Number(time) * 1e6);
    lastTs = ts;
    const key = `${tcp ? 't' : 'u'}${tcp ? tcpStream : udpStream}`;
    let s = streams.get(key);
    if (s === undefined) {
      // a capture that starts with the SYN-ACK: its sender is the responder
      const synAck = (Number(flags) & 0x12) === 0x12;
      const [ci, cp, si, sp2] = synAck ? [dst, dp, src, sp] : [src, sp, dst, dp];
      const ep: Endpoints = {
        transport: tcp ? 'tcp' : 'udp', clientIp: ci, clientPort: cp, serverIp: si, serverPort: sp2,
        communityId: '', flowId: key, direction: 'outbound',
      };
      s = { ep, origKey: `${ci}|${cp}`, feeding: true, asked: false };
      streams.set(key, s);
    }
    if ((retrans ?? '') !== '') continue;
    const hex = (tcp ? tpay : upay) ?? '';
    if (hex === '' || !s.feeding) continue;
    const payload = Buffer.from(hex, 'hex');
    const dir: Dir = `${src}|${sp}` === s.origKey ? 'orig' : 'resp';
    if (!s.asked) {
      s.asked = true;
      for (const name of OBSERVER_ORDER) {
        const o = observers[name] as AppObserver<unknown>;
        if (o.accepts(s.ep, dir, payload)) {
          s.obs = o;
          s.state = o.open(s.ep, ctx);
          break;
        }
      }
    }
    if (s.obs === undefined) continue;
    s.feeding = s.obs.data(s.state, dir, payload, ts, false);
  }
  for (const s of streams.values()) s.obs?.close(s.state, lastTs);
  return { events, counters, expects, serverNames };
}
