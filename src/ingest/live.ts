/**
 * Live capture through libpcap, via the optional `cap` binding (0.2.1). This is the only module that
 * loads the native binding; everything else sees RawFrames and plain stats.
 *
 * What cap 0.2.1 gives and what it does not (read from its src/binding.cc):
 * - it opens the device promiscuous, with snaplen 65,535, the given kernel buffer size, immediate mode
 *   and a BPF filter, and emits ('packet', capturedLength, truncated) after copying into one buffer;
 * - it does NOT pass the pcap header timestamp nor the wire length, and has no pcap_stats().
 * So a frame's time is the wall clock when the binding hands it over (immediate mode keeps this within
 * the event loop's latency of arrival), its origLen is its captured length, snaplen is applied here by
 * cutting the frame, and kernel drops are not available (reported as null). Interface drops come from
 * /sys/class/net/IFACE/statistics/rx_dropped, which is what libpcap reads for ps_ifdrop on Linux.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { Counters } from '../core/counters.js';
import type { Micros, RawFrame } from '../core/types.js';

/** What live capture needs. */
export interface LiveOptions {
  readonly iface: string;
  /** BPF expression; '' for none */
  readonly bpf: string;
  /** bytes kept per frame, 64..65535 */
  readonly snaplen: number;
  /** kernel ring size, bytes */
  readonly bufferSize: number;
}

/** Capture totals since open. `null` = this binding cannot measure it. */
export interface LiveStats {
  /** frames handed to the sensor */
  readonly received: number;
  /** frames the kernel dropped for this socket (ring full); null with cap, which has no pcap_stats */
  readonly dropped: number | null;
  /** frames the interface dropped since open (sysfs rx_dropped delta); null when unreadable */
  readonly ifDropped: number | null;
  /** frames longer than the capture buffer or cut to snaplen */
  readonly truncated: number;
}

/** An open capture: frames flow to onFrame until close(). */
export interface LiveCapture {
  /** pcap LINKTYPE_* of the interface */
  readonly linkType: number;
  stats(): LiveStats;
  /** stop capturing; idempotent */
  close(): void;
}

/** Why live capture could not start. `unavailable`: the binding is not installed or not built. */
export type LiveOpenResult =
  | { readonly ok: true; readonly capture: LiveCapture }
  | { readonly ok: false; readonly reason: 'unavailable' | 'open_failed' | 'link_type'; readonly message: string };

/** The one-line message for a missing binding (exit code 2 in the CLI). */
export const LIVE_UNAVAILABLE_MESSAGE =
  "live capture needs the optional 'cap' libpcap binding, which is not installed or not built: " +
  'install libpcap-dev and a C++ toolchain (Debian: apt-get install libpcap-dev build-essential python3), then run npm install (or npm rebuild cap) again';

// cap's link-type names → pcap LINKTYPE_* numbers
const LINK_TYPES: Readonly<Record<string, number>> = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
  IEEE802_11_RADIO: 127,
};

/** The slice of cap's API this module uses. */
interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
  close(): boolean;
}
interface CapModule {
  readonly Cap: new () => CapHandle;
}

let cached: { mod: CapModule } | { error: string } | undefined;

// cap 0.2.1 crashes the process (SIGSEGV/SIGABRT) when a handle is garbage-collected: its libuv poll
// handle is stopped but never uv_close()d, so freeing the object leaves a dangling entry in the event
// loop's handle list (and a handle whose open() failed stops a poll handle it never started). Every
// handle is therefore kept referenced for the life of the process, at most MAX_OPENS of them.
const retained: CapHandle[] = [];
/** Most capture handles one process may create (each is kept alive; see above). */
export const MAX_OPENS = 64;

/** Loads the binding once; a missing module or an unbuilt addon is `unavailable`, never a throw. */
export function loadCaptureBinding(): { readonly ok: true } | { readonly ok: false; readonly message: string } {
  if (cached === undefined) {
    try {
      const mod = createRequire(import.meta.url)('cap') as Partial<CapModule>;
      cached = typeof mod.Cap === 'function' ? { mod: mod as CapModule } : { error: 'cap has no Cap constructor' };
    } catch (e) {
      cached = { error: e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e) };
    }
  }
  return 'mod' in cached ? { ok: true } : { ok: false, message: LIVE_UNAVAILABLE_MESSAGE };
}

/**
 * Wall clock in µs since the epoch, never going backwards within the process. Live capture is the one
 * place the sensor reads the clock (the binding gives no packet timestamps).
 */
export function createLiveClock(): () => Micros {
  let last = 0;
  return () => {
    const t = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    if (t > last) last = t;
    return last;
  };
}

/**
 * Opens live capture on `opts.iface` and calls onFrame for every frame, synchronously from the
 * binding's poll callback. The frame's data is a view into one reused buffer (copy to keep).
 */
export function openLiveCapture(opts: LiveOptions, onFrame: (f: RawFrame) => void, counters: Counters, clock: () => Micros = createLiveClock()): LiveOpenResult {
  const loaded = loadCaptureBinding();
  if (!loaded.ok || cached === undefined || !('mod' in cached)) return { ok: false, reason: 'unavailable', message: LIVE_UNAVAILABLE_MESSAGE };
  if (retained.length >= MAX_OPENS) return { ok: false, reason: 'open_failed', message: `cannot capture on '${opts.iface}': more than ${MAX_OPENS} captures opened in this process` };
  const cap = new cached.mod.Cap();
  retained.push(cap);
  const buffer = Buffer.alloc(65_535);
  let linkName: string;
  try {
    linkName = cap.open(opts.iface, opts.bpf, opts.bufferSize, buffer);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: 'open_failed', message: `cannot capture on '${opts.iface}': ${msg}` };
  }
  const linkType = LINK_TYPES[linkName];
  if (linkType === undefined) {
    cap.close();
    return { ok: false, reason: 'link_type', message: `cannot capture on '${opts.iface}': unsupported link type (${linkName})` };
  }
  const ifDropStart = readIfDropped(opts.iface);
  let received = 0;
  let truncated = 0;
  let open = true;
  cap.on('packet', (nbytes, cut) => {
    received++;
    const keep = Math.min(nbytes, opts.snaplen);
    if (cut || keep < nbytes) {
      truncated++;
      counters.inc('live.truncated');
    }
    onFrame({ ts: clock(), linkType, data: buffer.subarray(0, keep), origLen: nbytes, interfaceId: 0 });
  });
  return {
    ok: true,
    capture: {
      linkType,
      stats() {
        const now = readIfDropped(opts.iface);
        return {
          received,
          dropped: null,
          ifDropped: now !== null && ifDropStart !== null ? Math.max(0, now - ifDropStart) : null,
          truncated,
        };
      },
      close() {
        if (!open) return;
        open = false;
        cap.close();
      },
    },
  };
}

// Interface names come from the operator, but keep them to what the kernel allows before building a path.
function readIfDropped(iface: string): number | null {
  if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(iface)) return null;
  try {
    const n = Number(readFileSync(`/sys/class/net/${iface}/statistics/rx_dropped`, 'utf8').trim());
    return Number.isSafeInteger(n) ? n : null;
  } catch {
    return null;
  }
}
