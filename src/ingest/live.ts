/**
 * Live capture through libpcap, via the optional `pcap` binding (node_pcap 3.1.0). This is the only
 * module that loads the native binding; everything else sees RawFrames and plain stats.
 *
 * It uses the binding's native session (`pcap/build/Release/pcap_binding.node`) directly, not the
 * package's pcap.js wrapper, because the wrapper's lifecycle cannot be closed safely (see below).
 * The native session gives what libpcap gives: the packet header (timestamp in µs, captured length,
 * wire length), snaplen, promiscuous on/off, kernel buffer size, read timeout and pcap_stats().
 *
 * Three defects of node_pcap 3.1.0 (read from pcap_session.cc) shape this module:
 * - close() only calls pcap_breakloop(); the handle is pcap_close()d by the next dispatch that
 *   returns PCAP_ERROR_BREAK, and in non-blocking mode that happens only after one more packet.
 *   With the binding's own uv poll (start_polling) an idle interface therefore keeps a referenced
 *   poll handle, and the process, alive forever after close.
 * - That poll handle is stopped but never uv_close()d and lives inside the C++ object, so collecting
 *   a polled session crashes the process later (the same defect as cap 0.2.1).
 * - A JavaScript exception in the packet callback is a fatal exception (process abort).
 * So start_polling is never called: a timer calls dispatch() every POLL_MS while the capture is open
 * (TPACKET_V3 hands over blocks every BLOCK_TIMEOUT_MS anyway), keeping the process alive like a
 * server; after close() an unref'd timer keeps draining, delivering nothing, until the handle is
 * finalised; and the frame callback never throws.
 */
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import type { Counters } from '../core/counters.js';
import type { Micros, RawFrame } from '../core/types.js';

/** What live capture needs. */
export interface LiveOptions {
  readonly iface: string;
  /** BPF expression; '' for none */
  readonly bpf: string;
  /** bytes libpcap keeps per frame, 64..65535 */
  readonly snaplen: number;
  /** kernel ring size, bytes (pcap_set_buffer_size) */
  readonly bufferSize: number;
  /** promiscuous mode; default true (a SPAN or tap port sees frames for other hosts) */
  readonly promiscuous?: boolean;
}

/** Capture totals since open. `null` = not measurable (pcap_stats failed). */
export interface LiveStats {
  /** frames handed to the sensor */
  readonly received: number;
  /** frames the kernel dropped for this socket because the ring was full (pcap_stats ps_drop) */
  readonly dropped: number | null;
  /** frames the interface dropped since open (pcap_stats ps_ifdrop: sysfs rx_dropped delta on Linux) */
  readonly ifDropped: number | null;
  /** frames longer than snaplen (libpcap kept snaplen bytes) */
  readonly truncated: number;
}

/** An open capture: frames flow to onFrame until close(). */
export interface LiveCapture {
  /** pcap LINKTYPE_* of the interface */
  readonly linkType: number;
  stats(): LiveStats;
  /** stop capturing; idempotent; no frame is delivered after it returns */
  close(): void;
}

/** Why live capture could not start. `unavailable`: the binding is not installed or not built. */
export type LiveOpenResult =
  | { readonly ok: true; readonly capture: LiveCapture }
  | { readonly ok: false; readonly reason: 'unavailable' | 'open_failed' | 'link_type'; readonly message: string };

/** The one-line message for a missing binding (exit code 2 in the CLI). */
export const LIVE_UNAVAILABLE_MESSAGE =
  "live capture needs the optional 'pcap' libpcap binding (npm package pcap 3.1.0), which is not installed or not built: " +
  'install libpcap-dev and a C++ toolchain (Debian: apt-get install libpcap-dev build-essential python3), then run npm install (or npm rebuild pcap) again';

/** Most captures one process may have open or still waiting to be finalised. */
export const MAX_OPENS = 64;
/** How often the ring is drained, ms. */
export const POLL_MS = 20;
/** TPACKET_V3 block timeout handed to libpcap as its read timeout, ms: the longest a frame waits in the kernel. */
export const BLOCK_TIMEOUT_MS = 50;
// pcap_stats is sampled this often so that its 32-bit counters are unwrapped (2^32 frames take minutes at line rate)
const STATS_EVERY_POLLS = 50;

// node_pcap's link-type names → pcap LINKTYPE_* numbers
const LINK_TYPES: Readonly<Record<string, number>> = {
  LINKTYPE_NULL: 0,
  LINKTYPE_ETHERNET: 1,
  LINKTYPE_RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
  LINKTYPE_IEEE802_11_RADIO: 127,
};

interface PcapStat {
  readonly ps_recv: number;
  readonly ps_drop: number;
  readonly ps_ifdrop: number;
}
/** The slice of node_pcap's native PcapSession this module uses. */
interface NativeSession {
  open_live(
    device: string, filter: string, bufferSize: number, snaplen: number, dumpFile: string, onPacket: () => void,
    monitor: boolean, timeoutMs: number, onWarning: (msg: string) => void, promiscuous: boolean,
  ): string;
  /** drains the ring; packets read, 0, or a PCAP_ERROR_* (−2: broke the loop and pcap_close()d) */
  dispatch(data: Buffer, header: Buffer): number;
  close(): void;
  stats(): PcapStat;
}
interface NativeBinding {
  readonly PcapSession: new () => NativeSession;
}

const PCAP_ERROR_BREAK = -2;
let cached: { mod: NativeBinding } | { error: string } | undefined;
// Sessions opened or still waiting for finalisation; each is referenced by its drain timer until then.
let live = 0;

/** Loads the binding once; a missing module or an unbuilt addon is `unavailable`, never a throw. */
export function loadCaptureBinding(): { readonly ok: true } | { readonly ok: false; readonly message: string } {
  if (cached === undefined) {
    try {
      const mod = createRequire(import.meta.url)('pcap/build/Release/pcap_binding.node') as Partial<NativeBinding>;
      cached = typeof mod.PcapSession === 'function' ? { mod: mod as NativeBinding } : { error: 'pcap binding has no PcapSession' };
    } catch (e) {
      cached = { error: e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e) };
    }
  }
  return 'mod' in cached ? { ok: true } : { ok: false, message: LIVE_UNAVAILABLE_MESSAGE };
}

/** How far the idle clock stays behind the wall clock, ms (see createLiveClock). */
export const TICK_LAG_MS = 1_000;

/**
 * Wall clock in µs since the epoch (CLOCK_REALTIME, the clock the kernel stamps packets with) minus
 * TICK_LAG_MS, never going backwards within the process. Used only to advance time on an idle
 * interface. The lag exists because frames reach the sensor up to BLOCK_TIMEOUT_MS + POLL_MS after
 * their timestamp, more when the event loop is busy: a clock level with the wall would move the
 * sensor's time past frames not yet delivered, and their events would carry the tick's time.
 */
export function createLiveClock(): () => Micros {
  let last = 0;
  return () => {
    const t = (Date.now() - TICK_LAG_MS) * 1000;
    if (t > last) last = t;
    return last;
  };
}

/**
 * Opens live capture on `opts.iface` and calls onFrame for every frame, from a timer that drains the
 * kernel ring every POLL_MS. The frame's data is a view into one reused buffer (copy to keep); its
 * ts is the pcap header's timestamp and origLen the wire length.
 */
export function openLiveCapture(opts: LiveOptions, onFrame: (f: RawFrame) => void, counters: Counters): LiveOpenResult {
  const loaded = loadCaptureBinding();
  if (!loaded.ok || cached === undefined || !('mod' in cached)) return { ok: false, reason: 'unavailable', message: LIVE_UNAVAILABLE_MESSAGE };
  const fail = (reason: 'open_failed' | 'link_type', why: string): LiveOpenResult => ({ ok: false, reason, message: `cannot capture on '${opts.iface}': ${why}` });
  // node_pcap copies the header's time_t/suseconds_t low halves as 4 host-order bytes: only right on little-endian hosts.
  if (endianness() !== 'LE') return fail('open_failed', 'the pcap binding reads packet headers correctly only on little-endian hosts');
  if (live >= MAX_OPENS) return fail('open_failed', `more than ${MAX_OPENS} captures open in this process`);

  const session = new cached.mod.PcapSession();
  const data = Buffer.alloc(opts.snaplen);
  const header = Buffer.alloc(16);
  let open = true;
  let received = 0;
  let truncated = 0;
  const onPacket = (): void => {
    if (!open) return;
    const caplen = header.readUInt32LE(8);
    const len = header.readUInt32LE(12);
    received++;
    if (caplen < len) {
      truncated++;
      counters.inc('live.truncated');
    }
    const ts = header.readUInt32LE(0) * 1_000_000 + header.readUInt32LE(4);
    try {
      onFrame({ ts, linkType, data: data.subarray(0, Math.min(caplen, data.length)), origLen: len, interfaceId: 0 });
    } catch {
      // An exception here would be fatal inside the binding: count it and go on.
      counters.inc('live.frame_error');
    }
  };

  let linkName: string;
  try {
    linkName = session.open_live(opts.iface, opts.bpf, opts.bufferSize, opts.snaplen, '', onPacket, false, BLOCK_TIMEOUT_MS, () => undefined, opts.promiscuous ?? true);
  } catch (e) {
    open = false;
    releaseFailed(session, data, header);
    return fail('open_failed', e instanceof Error ? e.message : String(e));
  }
  const linkType = LINK_TYPES[linkName] ?? -1;
  if (linkType < 0) {
    open = false;
    live++;
    drainUntilClosed(session, data, header, () => counters.inc('live.close_error'));
    return fail('link_type', `unsupported link type (${linkName})`);
  }

  live++;
  const kernel = createStatsUnwrapper();
  const sample = (): void => {
    try {
      kernel.add(session.stats());
    } catch {
      counters.inc('live.stats_error');
    }
  };
  let polls = 0;
  let dispatching = false;
  const timer = setInterval(() => {
    if (!open) return;
    dispatching = true;
    const n = session.dispatch(data, header);
    dispatching = false;
    if (n < 0) counters.inc('live.read_error');
    if (++polls % STATS_EVERY_POLLS === 0) sample();
  }, POLL_MS);

  return {
    ok: true,
    capture: {
      linkType,
      stats() {
        if (open) sample();
        const k = kernel.totals();
        return { received, dropped: k?.drop ?? null, ifDropped: k?.ifdrop ?? null, truncated };
      },
      close() {
        if (!open) return;
        // Deliver what the kernel has already handed over (the block still filling is lost).
        if (!dispatching && session.dispatch(data, header) < 0) counters.inc('live.read_error');
        sample();
        open = false;
        clearInterval(timer);
        const closeError = (): void => counters.inc('live.close_error');
        // Called from onFrame, i.e. inside the binding's dispatch: finalise once it has returned.
        if (dispatching) setImmediate(() => drainUntilClosed(session, data, header, closeError));
        else drainUntilClosed(session, data, header, closeError);
      },
    },
  };
}

// After pcap_breakloop the handle is pcap_close()d by the first dispatch that reads a packet; keep
// draining (unref'd, so an idle interface does not hold the process) until then. The session stays
// referenced by this timer until it is finalised; dispatch() must never run after that (NULL handle).
function drainUntilClosed(session: NativeSession, data: Buffer, header: Buffer, onError: () => void): void {
  session.close();
  const step = (): boolean => {
    const n = session.dispatch(data, header);
    if (n >= 0) return false;
    if (n !== PCAP_ERROR_BREAK) onError();
    live--;
    return true;
  };
  if (step()) return;
  const timer = setInterval(() => {
    if (step()) clearInterval(timer);
  }, POLL_MS * 5);
  timer.unref();
}

// A failed open_live may leave nothing (pcap_create failed: dispatch would dereference NULL), a
// created but not activated handle (stats throws; nothing to close, a few bytes leak), or an
// activated one (bad filter: stats works; it holds a socket and a ring, so close it like a capture).
function releaseFailed(session: NativeSession, data: Buffer, header: Buffer): void {
  try {
    session.stats();
  } catch {
    return;
  }
  live++;
  drainUntilClosed(session, data, header, () => undefined);
}

interface StatsUnwrapper {
  add(s: PcapStat): void;
  /** cumulative since open; null while pcap_stats has never answered */
  totals(): { readonly drop: number; readonly ifdrop: number } | null;
}

// libpcap keeps u_int totals that wrap at 2^32; sum the deltas modulo 2^32 instead.
function createStatsUnwrapper(): StatsUnwrapper {
  let last: { drop: number; ifdrop: number } | undefined;
  let drop = 0;
  let ifdrop = 0;
  const delta = (now: number, before: number): number => ((now >>> 0) - (before >>> 0) + 0x1_0000_0000) % 0x1_0000_0000;
  return {
    add(s) {
      if (last !== undefined) {
        drop += delta(s.ps_drop, last.drop);
        ifdrop += delta(s.ps_ifdrop, last.ifdrop);
      } else {
        drop = s.ps_drop >>> 0;
        ifdrop = s.ps_ifdrop >>> 0;
      }
      last = { drop: s.ps_drop, ifdrop: s.ps_ifdrop };
    },
    totals: () => (last === undefined ? null : { drop, ifdrop }),
  };
}
