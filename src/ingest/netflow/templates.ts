import type { Counters } from '../../core/counters.js';

/** One field specifier of a template. `len` 65535 = variable length (IPFIX). */
export interface FieldSpec {
  /** information element id (0 for a NetFlow v9 scope field, which is skipped) */
  readonly ie: number;
  /** private enterprise number, 0 for IANA elements */
  readonly pen: number;
  readonly len: number;
}

/** A data or options template: a list of fields the data-set walker interprets (never compiled to code). */
export interface Template {
  readonly id: number;
  readonly fields: readonly FieldSpec[];
  /** record length in bytes, or -1 when a field is variable-length */
  readonly fixedLen: number;
  /** smallest possible record length (variable fields count 1 byte), ≥ 1 */
  readonly minLen: number;
  readonly options: boolean;
}

/** Variable-length marker in a field specifier (RFC 7011 §7). */
export const VARLEN = 65535;

/** Bounded template table keyed by exporter scope (address + source id / observation domain) and id. */
export interface TemplateStore {
  get(scope: string, id: number): Template | undefined;
  /** store (or replace) a template; evicts the oldest when full (`netflow.template_evicted`) */
  set(scope: string, exporterAddr: string, tpl: Template): void;
  /** withdraw one template; returns whether it existed */
  withdraw(scope: string, id: number): boolean;
  /** withdraw all data (options=false) or options (options=true) templates of a scope */
  withdrawAll(scope: string, options: boolean): number;
  size(): number;
  /** templates held per exporter address */
  countFor(exporterAddr: string): number;
}

interface Entry { readonly tpl: Template; readonly scope: string; readonly exporterAddr: string }

/** Creates a template store holding at most `max` templates over all exporters. */
export function createTemplateStore(max: number, counters: Counters): TemplateStore {
  const map = new Map<string, Entry>();
  const perExporter = new Map<string, number>();
  const bump = (addr: string, d: number): void => {
    const n = (perExporter.get(addr) ?? 0) + d;
    if (n <= 0) perExporter.delete(addr); else perExporter.set(addr, n);
  };
  const remove = (key: string): boolean => {
    const e = map.get(key);
    if (e === undefined) return false;
    map.delete(key);
    bump(e.exporterAddr, -1);
    return true;
  };
  return {
    get: (scope, id) => map.get(`${scope}#${id}`)?.tpl,
    set(scope, exporterAddr, tpl) {
      const key = `${scope}#${tpl.id}`;
      remove(key);
      while (map.size >= max) {
        const oldest = map.keys().next();
        if (oldest.done === true) break;
        remove(oldest.value);
        counters.inc('netflow.template_evicted');
      }
      map.set(key, { tpl, scope, exporterAddr });
      bump(exporterAddr, 1);
    },
    withdraw: (scope, id) => remove(`${scope}#${id}`),
    withdrawAll(scope, options) {
      let n = 0;
      for (const [key, e] of map) {
        if (e.scope === scope && e.tpl.options === options) { remove(key); n++; }
      }
      return n;
    },
    size: () => map.size,
    countFor: (addr) => perExporter.get(addr) ?? 0,
  };
}

/** What a template set parse hands back for each record it finds. */
export type TemplateEvent =
  | { readonly kind: 'template'; readonly tpl: Template }
  | { readonly kind: 'withdraw'; readonly id: number }
  | { readonly kind: 'withdraw_all'; readonly options: boolean };

function finish(id: number, fields: FieldSpec[], options: boolean, counters: Counters): Template | undefined {
  let fixed = 0;
  let min = 0;
  let variable = false;
  for (const f of fields) {
    if (f.len === VARLEN) { variable = true; min += 1; }
    else if (f.len === 0) { counters.inc('netflow.template_zero_length_field'); return undefined; }
    else { fixed += f.len; min += f.len; }
  }
  if (min === 0) { counters.inc('netflow.template_zero_length_record'); return undefined; }
  if (min > 65535) { counters.inc('netflow.template_too_long'); return undefined; }
  return { id, fields, fixedLen: variable ? -1 : fixed, minLen: min, options };
}

/**
 * Parses a NetFlow v9 template flowset (id 0) or options template flowset (id 1) in b[start, end).
 * Stops at the first malformed record (counted); trailing padding shorter than a record is ignored.
 */
export function parseV9TemplateSet(
  b: Uint8Array, start: number, end: number, options: boolean, maxFields: number, counters: Counters,
  out: (e: TemplateEvent) => void,
): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = start;
  while (end - o >= (options ? 6 : 4)) {
    const id = dv.getUint16(o);
    if (id < 256) {
      // template ids start at 256; zero here is the flowset's trailing padding
      if (id !== 0) counters.inc('netflow.template_bad_id');
      return;
    }
    let nScope = 0;
    let nFields: number;
    if (options) {
      const scopeLen = dv.getUint16(o + 2);
      const optLen = dv.getUint16(o + 4);
      if (scopeLen % 4 !== 0 || optLen % 4 !== 0) { counters.inc('netflow.template_bad_length'); return; }
      nScope = scopeLen / 4;
      nFields = nScope + optLen / 4;
      o += 6;
    } else {
      nFields = dv.getUint16(o + 2);
      o += 4;
    }
    if (nFields > maxFields) { counters.inc('netflow.template_too_many_fields'); return; }
    if (o + nFields * 4 > end) { counters.inc('netflow.template_truncated'); return; }
    const fields: FieldSpec[] = [];
    for (let i = 0; i < nFields; i++, o += 4) {
      const type = dv.getUint16(o);
      const len = dv.getUint16(o + 2);
      // v9 has no variable-length fields: 65535 is just a length that cannot fit a datagram
      if (len === VARLEN) { counters.inc('netflow.template_too_long'); return; }
      fields.push({ ie: i < nScope ? 0 : type, pen: 0, len });
    }
    if (nFields === 0) { counters.inc('netflow.template_zero_length_record'); return; }
    const tpl = finish(id, fields, options, counters);
    if (tpl === undefined) return;
    out({ kind: 'template', tpl });
    // options templates are padded to 4 bytes; the next one (rare) starts after the padding
    if (options) o += (4 - ((o - start) % 4)) % 4;
  }
}

/**
 * Parses an IPFIX template set (id 2) or options template set (id 3) in b[start, end): enterprise
 * fields, variable-length fields and withdrawals (field count 0) per RFC 7011 §3.4 and §8.1.
 */
export function parseIpfixTemplateSet(
  b: Uint8Array, start: number, end: number, options: boolean, maxFields: number, counters: Counters,
  out: (e: TemplateEvent) => void,
): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const setId = options ? 3 : 2;
  let o = start;
  while (end - o >= 4) {
    const id = dv.getUint16(o);
    const nFields = dv.getUint16(o + 2);
    if (nFields === 0) {
      if (id === setId) out({ kind: 'withdraw_all', options });
      else if (id >= 256) out({ kind: 'withdraw', id });
      else if (id === 0) return; // padding
      else { counters.inc('netflow.template_bad_id'); return; }
      o += 4;
      continue;
    }
    if (id < 256) { counters.inc('netflow.template_bad_id'); return; }
    let nScope = 0;
    o += 4;
    if (options) {
      if (end - o < 2) { counters.inc('netflow.template_truncated'); return; }
      nScope = dv.getUint16(o);
      o += 2;
      if (nScope === 0 || nScope > nFields) { counters.inc('netflow.template_bad_scope'); return; }
    }
    if (nFields > maxFields) { counters.inc('netflow.template_too_many_fields'); return; }
    const fields: FieldSpec[] = [];
    for (let i = 0; i < nFields; i++) {
      if (end - o < 4) { counters.inc('netflow.template_truncated'); return; }
      const raw = dv.getUint16(o);
      const len = dv.getUint16(o + 2);
      o += 4;
      let pen = 0;
      if ((raw & 0x8000) !== 0) {
        if (end - o < 4) { counters.inc('netflow.template_truncated'); return; }
        pen = dv.getUint32(o);
        o += 4;
      }
      fields.push({ ie: raw & 0x7fff, pen, len });
    }
    const tpl = finish(id, fields, options, counters);
    if (tpl === undefined) return;
    out({ kind: 'template', tpl });
  }
}
