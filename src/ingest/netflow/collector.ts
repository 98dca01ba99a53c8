import type { Counters } from '../../core/counters.js';
import type { FlowRecord, Micros } from '../../core/types.js';
import type { DecodeContext, PendingSet, ScopeState } from './context.js';
import { defaultDirection } from './direction.js';
import { createScratch } from './fields.js';
import { createPairer } from './pairing.js';
import { decodeDataSet, decodeIpfix, decodeV9 } from './templated.js';
import { createTemplateStore } from './templates.js';
import type { Collector, CollectorOptions, ExporterStats } from './types.js';
import { decodeV5 } from './v5.js';

/** Defaults of every bound and window of the collector. */
export const DEFAULT_COLLECTOR_OPTIONS = {
  maxTemplates: 10_000,
  maxTemplateFields: 128,
  maxPendingSets: 512,
  maxExporters: 4096,
  maxPendingRecords: 200_000,
  pairSlackMicros: 5_000_000,
  pairHoldMicros: 30_000_000,
} as const;

/** `::ffff:192.0.2.1` (a dual-stack socket's view of an IPv4 peer) → `192.0.2.1`. */
export function normaliseExporter(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address.toLowerCase();
}

function evictOldest<K, V>(m: Map<K, V>, max: number, counters: Counters, name: string): void {
  while (m.size >= max) {
    const k = m.keys().next();
    if (k.done === true) return;
    m.delete(k.value);
    counters.inc(name);
  }
}

/**
 * Creates a NetFlow v5/v9/IPFIX collector. Datagrams go in through `handleDatagram`; every finished
 * bidirectional flow comes out through `onFlow`. All state is bounded (see CollectorOptions).
 */
export function createCollector(opts: CollectorOptions, onFlow: (f: FlowRecord) => void, counters: Counters): Collector {
  const o = { ...DEFAULT_COLLECTOR_OPTIONS, ...opts };
  const allow = opts.allowExporters !== undefined && opts.allowExporters.length > 0
    ? new Set(opts.allowExporters.map(normaliseExporter)) : undefined;
  const configuredRates = new Map(Object.entries(opts.samplingRates ?? {}).map(([k, v]) => [normaliseExporter(k), v]));
  const templates = createTemplateStore(o.maxTemplates, counters);
  const scopes = new Map<string, ScopeState>();
  const exporters = new Map<string, ExporterStats>();
  const pendingSets = new Map<number, PendingSet>();
  let pendingSeq = 0;
  let now: Micros = 0;
  const pairer = createPairer({
    maxPending: o.maxPendingRecords, slackMicros: o.pairSlackMicros, holdMicros: o.pairHoldMicros,
    direction: opts.direction ?? defaultDirection,
  }, onFlow, counters);

  let current: ExporterStats | undefined;
  const ctx: DecodeContext = {
    counters,
    templates,
    maxTemplateFields: o.maxTemplateFields,
    scratch: createScratch(),
    scope(key) {
      let st = scopes.get(key);
      if (st === undefined) {
        evictOldest(scopes, o.maxExporters, counters, 'netflow.scope_evicted');
        st = { key, nextSeq: NaN, sysInitMs: NaN, samplingRate: NaN };
        scopes.set(key, st);
      }
      return st;
    },
    samplingRate(addr, st) {
      const rate = configuredRates.get(addr) ?? (Number.isNaN(st.samplingRate) ? 1 : st.samplingRate);
      if (current !== undefined) current.samplingRate = rate;
      return rate;
    },
    get stats(): ExporterStats {
      if (current === undefined) throw new Error('collector: stats read outside a datagram');
      return current;
    },
    emit(u) {
      if (current !== undefined) current.records++;
      counters.inc('netflow.records');
      pairer.add(u, now);
    },
    bufferSet(p) {
      evictOldest(pendingSets, o.maxPendingSets, counters, 'netflow.pending_set_evicted');
      pendingSets.set(pendingSeq++, p);
      counters.inc('netflow.pending_set_held');
    },
    templateLearned(scope, id) {
      if (pendingSets.size === 0) return;
      for (const [k, p] of pendingSets) {
        if (p.scope !== scope || p.templateId !== id) continue;
        pendingSets.delete(k);
        const tpl = templates.get(scope, id);
        const st = scopes.get(scope);
        if (tpl === undefined || st === undefined) continue;
        counters.inc('netflow.pending_set_replayed');
        const src = { exporterAddr: p.exporterAddr, exporterScope: p.exporterScope, samplingRate: 1 };
        decodeDataSet(p.data, 0, p.data.length, tpl, st, src, p.time, ctx);
      }
    },
  };

  const statsFor = (addr: string, version: number, receivedAt: Micros): ExporterStats => {
    let s = exporters.get(addr);
    if (s === undefined) {
      evictOldest(exporters, o.maxExporters, counters, 'netflow.exporter_evicted');
      s = { address: addr, packets: 0, records: 0, lostRecords: 0, lostPackets: 0, sequenceGaps: 0, templates: 0, lastSeen: 0, samplingRate: 1, versions: [] };
      exporters.set(addr, s);
    }
    s.packets++;
    s.lastSeen = receivedAt;
    if (!s.versions.includes(version) && s.versions.length < 8) s.versions.push(version);
    return s;
  };

  return {
    handleDatagram(buf, exporter, receivedAt) {
      counters.inc('netflow.datagrams');
      const addr = normaliseExporter(exporter.address);
      if (allow !== undefined && !allow.has(addr)) { counters.inc('netflow.exporter_not_allowed'); return; }
      if (buf.length < 4) { counters.inc('netflow.datagram_truncated'); return; }
      const version = ((buf[0] ?? 0) << 8) | (buf[1] ?? 0);
      if (version !== 5 && version !== 9 && version !== 10) { counters.inc('netflow.unknown_version'); return; }
      // the export time in the header is the collector's clock for pairing holds
      if (buf.length >= 12) {
        const secs = ((buf[version === 10 ? 4 : 8] ?? 0) * 2 ** 24) + (((buf[version === 10 ? 5 : 9] ?? 0) << 16) | ((buf[version === 10 ? 6 : 10] ?? 0) << 8) | (buf[version === 10 ? 7 : 11] ?? 0));
        now = Math.max(now, secs * 1e6);
      }
      current = statsFor(addr, version, receivedAt);
      counters.inc(`netflow.v${version}_datagrams`);
      if (version === 5) decodeV5(buf, addr, ctx);
      else if (version === 9) decodeV9(buf, addr, ctx);
      else decodeIpfix(buf, addr, ctx);
      current = undefined;
    },
    flush(at) {
      pairer.expire(at);
    },
    exporters() {
      return [...exporters.values()].map((s) => ({ ...s, versions: [...s.versions], templates: templates.countFor(s.address) }));
    },
    templateCount: () => templates.size(),
    pendingRecords: () => pairer.size(),
    pendingSets: () => pendingSets.size,
  };
}
