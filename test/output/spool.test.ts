import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSpool } from '../../src/output/spool.js';

const root = mkdtempSync(join(tmpdir(), 'exfilwatch-spooltest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const rec = (i: number): Buffer => Buffer.from(`message-${String(i).padStart(5, '0')}`);

describe('disk spool', () => {
  it('returns records in order across segments and deletes segments once acknowledged', () => {
    const dir = join(root, 'order');
    const sp = openSpool({ dir, maxBytes: 1 << 20, segmentBytes: 100 }, () => {});
    for (let i = 0; i < 50; i++) expect(sp.append(rec(i), false)).toBeUndefined();
    expect(sp.count()).toBe(50);
    expect(readdirSync(dir).filter((f) => f.endsWith('.spool')).length).toBeGreaterThan(5);
    const got: string[] = [];
    for (let guard = 0; guard < 100 && sp.count() > 0; guard++) {
      const batch = sp.peek(7, 1000);
      got.push(...batch.map((b) => b.toString()));
      sp.ack(batch.length);
    }
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => rec(i).toString()));
    expect(readdirSync(dir).filter((f) => f.endsWith('.spool'))).toEqual([]);
    sp.close();
  });

  it('resumes after a restart from the saved head, without resending acknowledged records', () => {
    const dir = join(root, 'restart');
    const a = openSpool({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16 }, () => {});
    for (let i = 0; i < 10; i++) a.append(rec(i), i % 2 === 0);
    a.ack(a.peek(4, 1 << 20).length);
    a.close();
    const events: string[] = [];
    const b = openSpool({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16 }, (w, n) => events.push(`${w}:${n}`));
    expect(b.count()).toBe(6);
    expect(events).toContain('spool.recovered:6');
    expect(b.peek(100, 1 << 20).map((x) => x.toString())).toEqual([4, 5, 6, 7, 8, 9].map((i) => rec(i).toString()));
  });

  it('when full, drops the oldest non-alert records first and keeps every alert', () => {
    const dir = join(root, 'full');
    const dropped: Record<string, number> = {};
    const sp = openSpool({ dir, maxBytes: 20 * 16, segmentBytes: 4 * 16 }, (w, n) => { dropped[w] = (dropped[w] ?? 0) + n; });
    // each record: 5 header bytes + 11 payload bytes = 16 bytes; room for 20
    const refused: number[] = [];
    for (let i = 0; i < 40; i++) if (sp.append(rec(i), i % 4 === 0) !== undefined) refused.push(i);
    expect(sp.bytes()).toBeLessThanOrEqual(20 * 16);
    expect(refused).toEqual([]); // room was made by dropping old non-alerts, never by refusing
    const left: number[] = [];
    for (let guard = 0; guard < 100 && sp.count() > 0; guard++) {
      const batch = sp.peek(100, 1 << 20); // one segment at most per peek
      left.push(...batch.map((b) => Number(b.toString().slice(8))));
      sp.ack(batch.length);
    }
    const alerts = Array.from({ length: 10 }, (_, k) => k * 4);
    for (const a of alerts) expect(left).toContain(a);
    expect(left).toEqual([...left].sort((x, y) => x - y));
    expect(dropped['spool_full']).toBeGreaterThan(0);
    expect(left.length + (dropped['spool_full'] ?? 0) + refused.length).toBe(40);
    expect(sp.count()).toBe(0);
  });
});
