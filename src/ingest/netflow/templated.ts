import { checkSequence, type DecodeContext, type ScopeState } from './context.js';
import { walkDataSet } from './data-set.js';
import type { RecordScratch } from './fields.js';
import { toUniFlow, type HeaderTime, type RecordSource } from './record.js';
import { parseIpfixTemplateSet, parseV9TemplateSet, type Template, type TemplateEvent } from './templates.js';

const V9_HEADER = 20;
const IPFIX_HEADER = 16;

/**
 * Decodes one NetFlow v9 datagram (RFC 3954). Templates are scoped by exporter address and source id.
 * Returns the number of flow records handed on.
 */
export function decodeV9(b: Uint8Array, exporterAddr: string, ctx: DecodeContext): number {
  if (b.length < V9_HEADER) { ctx.counters.inc('netflow.v9_truncated'); return 0; }
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const uptimeMs = dv.getUint32(4);
  const exportMs = dv.getUint32(8) * 1000;
  const seq = dv.getUint32(12);
  const sourceId = dv.getUint32(16);
  const st = ctx.scope(`${exporterAddr}/v9/${sourceId}`);
  // v9 sequence numbers count export packets, not records
  checkSequence(ctx, st, seq, 'packets');
  st.nextSeq = (seq + 1) >>> 0;
  const src = { exporterAddr, exporterScope: `${exporterAddr}/${sourceId}`, samplingRate: 1 };
  return walkSets(b, V9_HEADER, b.length, 9, st, src, { exportMs, uptimeMs, sysInitMs: NaN }, ctx).records;
}

/**
 * Decodes one IPFIX message (RFC 7011). Templates are scoped by exporter address and observation domain.
 * Returns the number of flow records handed on.
 */
export function decodeIpfix(b: Uint8Array, exporterAddr: string, ctx: DecodeContext): number {
  if (b.length < IPFIX_HEADER) { ctx.counters.inc('netflow.ipfix_truncated'); return 0; }
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const length = dv.getUint16(2);
  if (length < IPFIX_HEADER) { ctx.counters.inc('netflow.ipfix_bad_length'); return 0; }
  if (length > b.length) { ctx.counters.inc('netflow.ipfix_truncated'); return 0; }
  const exportMs = dv.getUint32(4) * 1000;
  const seq = dv.getUint32(8);
  const domain = dv.getUint32(12);
  const st = ctx.scope(`${exporterAddr}/ipfix/${domain}`);
  checkSequence(ctx, st, seq, 'records');
  const src = { exporterAddr, exporterScope: `${exporterAddr}/${domain}`, samplingRate: 1 };
  const r = walkSets(b, IPFIX_HEADER, length, 10, st, src, { exportMs, uptimeMs: NaN, sysInitMs: NaN }, ctx);
  // IPFIX sequence numbers count data records; sets held for a missing template have an unknown count
  st.nextSeq = r.deferred ? NaN : (seq + r.dataRecords) >>> 0;
  return r.records;
}

interface WalkResult { records: number; dataRecords: number; deferred: boolean }

function walkSets(
  b: Uint8Array, start: number, end: number, version: 9 | 10, st: ScopeState, src: RecordSource,
  time: HeaderTime, ctx: DecodeContext,
): WalkResult {
  const res: WalkResult = { records: 0, dataRecords: 0, deferred: false };
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const onTemplate = (e: TemplateEvent): void => {
    if (e.kind === 'template') {
      ctx.templates.set(st.key, src.exporterAddr, e.tpl);
      ctx.counters.inc('netflow.templates');
      ctx.templateLearned(st.key, e.tpl.id);
    } else if (e.kind === 'withdraw') {
      if (ctx.templates.withdraw(st.key, e.id)) ctx.counters.inc('netflow.template_withdrawn');
      else ctx.counters.inc('netflow.template_withdraw_unknown');
    } else {
      ctx.counters.inc('netflow.template_withdrawn', ctx.templates.withdrawAll(st.key, e.options));
    }
  };
  let o = start;
  while (end - o >= 4) {
    const id = dv.getUint16(o);
    const len = dv.getUint16(o + 2);
    if (len < 4) { ctx.counters.inc('netflow.set_bad_length'); break; }
    if (o + len > end) { ctx.counters.inc('netflow.set_truncated'); break; }
    const body = o + 4;
    const bodyEnd = o + len;
    o = bodyEnd;
    const max = ctx.maxTemplateFields;
    if (version === 9 && id <= 1) parseV9TemplateSet(b, body, bodyEnd, id === 1, max, ctx.counters, onTemplate);
    else if (version === 10 && (id === 2 || id === 3)) parseIpfixTemplateSet(b, body, bodyEnd, id === 3, max, ctx.counters, onTemplate);
    else if (id < 256) ctx.counters.inc('netflow.set_unknown_id');
    else {
      const tpl = ctx.templates.get(st.key, id);
      if (tpl === undefined) {
        ctx.bufferSet({ version, scope: st.key, exporterAddr: src.exporterAddr, exporterScope: src.exporterScope, templateId: id, data: b.slice(body, bodyEnd), time });
        res.deferred = true;
        continue;
      }
      const n = decodeDataSet(b, body, bodyEnd, tpl, st, src, time, ctx);
      res.records += n.records;
      res.dataRecords += n.walked;
    }
  }
  return res;
}

/**
 * Decodes the records of one data set with its template: flow records go to `ctx.emit`, options
 * records update the scope (sampling rate, system init time). Used for live sets and for held sets.
 */
export function decodeDataSet(
  b: Uint8Array, start: number, end: number, tpl: Template, st: ScopeState, src: RecordSource,
  time: HeaderTime, ctx: DecodeContext,
): { records: number; walked: number } {
  let records = 0;
  if (tpl.options) {
    const walked = walkDataSet(b, start, end, tpl, ctx.scratch, ctx.counters, (s) => applyOptions(s, st));
    ctx.counters.inc('netflow.options_records', walked);
    return { records: 0, walked };
  }
  const t: HeaderTime = Number.isNaN(time.sysInitMs) && !Number.isNaN(st.sysInitMs)
    ? { exportMs: time.exportMs, uptimeMs: time.uptimeMs, sysInitMs: st.sysInitMs } : time;
  const source: RecordSource = { ...src, samplingRate: ctx.samplingRate(src.exporterAddr, st) };
  const walked = walkDataSet(b, start, end, tpl, ctx.scratch, ctx.counters, (s) => {
    const u = toUniFlow(s, t, source, ctx.counters);
    if (u !== undefined) { ctx.emit(u); records++; }
  });
  return { records, walked };
}

function applyOptions(s: RecordScratch, st: ScopeState): void {
  if (!Number.isNaN(s.sysInitMs)) st.sysInitMs = s.sysInitMs;
  if (s.samplingInterval >= 1) st.samplingRate = s.samplingInterval;
  else if (s.samplingPacketInterval >= 1) {
    // PSAMP systematic count-based sampling: select `interval` packets, then skip `space`
    const space = Number.isNaN(s.samplingPacketSpace) ? 0 : s.samplingPacketSpace;
    st.samplingRate = (s.samplingPacketInterval + space) / s.samplingPacketInterval;
  }
}
