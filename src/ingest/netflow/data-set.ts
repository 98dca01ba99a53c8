import type { Counters } from '../../core/counters.js';
import { applyField, resetScratch, type RecordScratch } from './fields.js';
import { VARLEN, type Template } from './templates.js';

/**
 * Walks the data records of one data set b[start, end) with `tpl`, calling `onRecord` after each
 * complete record with the filled scratch object. Trailing bytes shorter than a record are padding.
 * A variable-length field that overruns the set ends the walk (`netflow.record_truncated`).
 * Returns the number of complete records. Bound: at most (end - start) / tpl.minLen records.
 */
export function walkDataSet(
  b: Uint8Array, start: number, end: number, tpl: Template, s: RecordScratch, counters: Counters,
  onRecord: (s: RecordScratch) => void,
): number {
  let n = 0;
  let o = start;
  if (tpl.fixedLen > 0) {
    for (; end - o >= tpl.fixedLen; n++) {
      resetScratch(s);
      for (const f of tpl.fields) {
        applyField(s, f.ie, f.pen, b, o, f.len);
        o += f.len;
      }
      onRecord(s);
    }
    return n;
  }
  while (end - o >= tpl.minLen) {
    resetScratch(s);
    for (const f of tpl.fields) {
      let len = f.len;
      if (len === VARLEN) {
        if (o >= end) { counters.inc('netflow.record_truncated'); return n; }
        len = b[o] ?? 0;
        o += 1;
        if (len === 255) {
          if (end - o < 2) { counters.inc('netflow.record_truncated'); return n; }
          len = ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
          o += 2;
        }
      }
      if (end - o < len) { counters.inc('netflow.record_truncated'); return n; }
      applyField(s, f.ie, f.pen, b, o, len);
      o += len;
    }
    onRecord(s);
    n++;
  }
  return n;
}
