import type { Counters } from '../../core/counters.js';
import type { RecordScratch } from './fields.js';
import type { HeaderTime } from './record.js';
import type { TemplateStore } from './templates.js';
import type { ExporterStats, UniFlow } from './types.js';

/** State of one exporter scope (address + source id / observation domain / engine). */
export interface ScopeState {
  readonly key: string;
  /** sequence number expected next, NaN when unknown */
  nextSeq: number;
  /** IPFIX systemInitTimeMilliseconds from an options record, NaN when unknown */
  sysInitMs: number;
  /** 1-in-N rate the exporter announced (options record or v5 header), NaN when unknown */
  samplingRate: number;
}

/** A data set that arrived before its template, copied and waiting (bounded). */
export interface PendingSet {
  readonly version: 9 | 10;
  readonly scope: string;
  readonly exporterAddr: string;
  readonly exporterScope: string;
  readonly templateId: number;
  readonly data: Uint8Array;
  readonly time: HeaderTime;
}

/** What the version decoders need from the collector. */
export interface DecodeContext {
  readonly counters: Counters;
  readonly templates: TemplateStore;
  readonly maxTemplateFields: number;
  readonly scratch: RecordScratch;
  /** the scope's state, created on first use (bounded, oldest evicted) */
  scope(key: string): ScopeState;
  /** configured rate for the exporter, else the scope's announced rate, else 1 */
  samplingRate(exporterAddr: string, scope: ScopeState): number;
  /** statistics of the exporter the current datagram came from */
  readonly stats: ExporterStats;
  /** hand a decoded unidirectional record on */
  emit(u: UniFlow): void;
  /** keep a data set until its template arrives */
  bufferSet(p: PendingSet): void;
  /** a template was learned: replay the sets waiting for it */
  templateLearned(scope: string, templateId: number): void;
}

/**
 * Compares a header sequence number with the expected one and records a gap of `(seq - expected)`
 * units (mod 2^32) as lost; a backwards jump counts as `netflow.sequence_reordered` instead.
 */
export function checkSequence(ctx: DecodeContext, st: ScopeState, seq: number, unit: 'records' | 'packets'): void {
  if (!Number.isNaN(st.nextSeq)) {
    const d = (seq - st.nextSeq) >>> 0;
    if (d !== 0) {
      if (d < 0x80000000) {
        ctx.stats.sequenceGaps++;
        if (unit === 'records') ctx.stats.lostRecords += d; else ctx.stats.lostPackets += d;
        ctx.counters.inc(unit === 'records' ? 'netflow.lost_records' : 'netflow.lost_packets', d);
      } else ctx.counters.inc('netflow.sequence_reordered');
    }
  }
}
