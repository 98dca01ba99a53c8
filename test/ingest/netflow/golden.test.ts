import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '../../../src/core/types.js';
import { FIXTURES, goldenCases, runCase } from './golden-cases.js';

// Baseline written by the collector before the speed work; rewrite only on purpose: UPDATE_GOLDEN=1.
const GOLDEN = join(FIXTURES, 'golden.json');
const cases = goldenCases();

/** JSON with keys sorted, so property order does not matter, only names and values. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

interface Baseline { flows: number; digest: string; counters: Record<string, number>; first: FlowRecord[] }

function summarise(r: ReturnType<typeof runCase>): Baseline {
  return {
    flows: r.flows.length,
    digest: createHash('sha256').update(canonical(r.flows)).digest('hex'),
    counters: r.counters,
    first: JSON.parse(JSON.stringify(r.flows.slice(0, 4))) as FlowRecord[],
  };
}

if (process.env['UPDATE_GOLDEN'] === '1') {
  const out = Object.fromEntries(cases.map((c) => [c.name, summarise(runCase(c))]));
  writeFileSync(GOLDEN, `${JSON.stringify(out, null, 1)}\n`);
}

describe('collector output equals the committed baseline (same FlowRecords in the same order, same counters)', () => {
  const golden = existsSync(GOLDEN) ? JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, Baseline> : {};
  for (const c of cases) {
    it(c.name, () => {
      const want = golden[c.name];
      expect(want, `no baseline for ${c.name}: run with UPDATE_GOLDEN=1`).toBeDefined();
      const got = summarise(runCase(c));
      expect(got.flows).toBe(want?.flows);
      expect(got.counters).toEqual(want?.counters);
      expect(got.first).toEqual(want?.first);
      expect(got.digest).toBe(want?.digest);
    });
  }
});
