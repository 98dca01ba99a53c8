import { setBounded } from '../core/bounded-map.js';
import type { Counters } from '../core/counters.js';
import type { Micros, RiskBand } from '../core/types.js';

/** One flow's share of a window (cumulative reports of a flow update it in place). */
interface Part {
  start: Micros;
  end: Micros;
  out: number;
  in: number;
}

/** Bytes that arrived at a time, so the window can let them go when they age out. */
interface Slice {
  readonly ts: Micros;
  readonly out: number;
  readonly in: number;
}

/** Totals of one internal host toward one destination service over the sliding window. */
export interface HostWindow {
  readonly host: string;
  readonly service: string;
  readonly opened: Micros;
  last: Micros;
  bytesOut: number;
  bytesIn: number;
  readonly parts: Map<string, Part>;
  readonly slices: Slice[];
  readonly ips: Set<string>;
  readonly domains: Set<string>;
  maxParallel: number;
  /** highest band alerted in this window, if any */
  band: RiskBand | undefined;
  /** the first time this host was seen talking to this service */
  firstSeen: boolean;
  /** evidence flags gathered over the window's flows */
  readonly flags: Set<string>;
  readonly notes: Map<string, string>;
}

const MAX_IPS = 64;
const MAX_DOMAINS = 16;
const MAX_PARTS = 4_096;

export interface HostWindows {
  /** add a flow report (cumulative counters) for host→service; returns the window */
  add(host: string, service: string, flowId: string, start: Micros, end: Micros, out: number, inn: number, ip: string): HostWindow;
  /** windows with no activity for a whole window length, removed from the table */
  closeIdle(now: Micros): HostWindow[];
  /** every window, removed (end of input) */
  closeAll(): HostWindow[];
  readonly size: () => number;
}

/**
 * Per (internal host, destination service) sliding-window totals of bytes out and in, flows, distinct
 * destination IPs and parallel connections, so that many small or parallel uploads add up.
 * Bounded by `maxWindows` (least recently active evicted, counted) and by parts per window.
 */
export function createHostWindows(windowSec: number, maxWindows: number, maxSeen: number, counters: Counters): HostWindows {
  const span = windowSec * 1_000_000;
  const windows = new Map<string, HostWindow>();
  const seen = new Map<string, true>();

  function open(host: string, service: string, ts: Micros): HostWindow {
    const pair = `${host}|${service}`;
    const firstSeen = !seen.has(pair);
    setBounded(seen, pair, true, maxSeen);
    return {
      host, service, opened: ts, last: ts, bytesOut: 0, bytesIn: 0, parts: new Map(), slices: [],
      ips: new Set(), domains: new Set(), maxParallel: 0, band: undefined, firstSeen, flags: new Set(), notes: new Map(),
    };
  }

  function slide(w: HostWindow, now: Micros): void {
    const limit = now - span;
    let i = 0;
    while (i < w.slices.length && (w.slices[i]?.ts ?? 0) < limit) {
      const s = w.slices[i];
      if (s) { w.bytesOut -= s.out; w.bytesIn -= s.in; }
      i++;
    }
    if (i > 0) w.slices.splice(0, i);
  }

  return {
    add(host, service, flowId, start, end, out, inn, ip) {
      const key = `${host}|${service}`;
      const w = windows.get(key) ?? open(host, service, start);
      if (setBounded(windows, key, w, maxWindows)) counters.inc('detect.window_evicted');
      const prev = w.parts.get(flowId);
      const dOut = out - (prev?.out ?? 0);
      const dIn = inn - (prev?.in ?? 0);
      if (prev) {
        prev.end = end; prev.out = out; prev.in = inn;
      } else {
        if (w.parts.size >= MAX_PARTS) {
          const oldest = w.parts.keys().next();
          if (!oldest.done) w.parts.delete(oldest.value);
        }
        w.parts.set(flowId, { start, end, out, in: inn });
      }
      if (end > w.last) w.last = end;
      w.bytesOut += dOut;
      w.bytesIn += dIn;
      w.slices.push({ ts: end, out: dOut, in: dIn });
      if (w.ips.size < MAX_IPS) w.ips.add(ip);
      slide(w, w.last);
      w.maxParallel = Math.max(w.maxParallel, overlapping(w, start, end));
      return w;
    },
    closeIdle(now) {
      const closed: HostWindow[] = [];
      // Map order is least recently active first, so the scan stops at the first live window.
      for (const [k, w] of windows) {
        if (now - w.last <= span) break;
        windows.delete(k);
        closed.push(w);
      }
      return closed;
    },
    closeAll() {
      const all = [...windows.values()];
      windows.clear();
      return all;
    },
    size: () => windows.size,
  };
}

/** Flows of the window whose lifetime overlaps [start, end]: the transfers running at once. */
function overlapping(w: HostWindow, start: Micros, end: Micros): number {
  let n = 0;
  for (const p of w.parts.values()) if (p.start <= end && p.end >= start) n++;
  return n;
}

/** Adds a domain to a window's sample, bounded. */
export function noteDomain(w: HostWindow, domain: string | undefined): void {
  if (domain !== undefined && w.domains.size < MAX_DOMAINS) w.domains.add(domain);
}
