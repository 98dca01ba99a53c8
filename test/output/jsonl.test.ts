import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { matchFilter } from '../../src/output/filter.js';
import { createJsonlSink } from '../../src/output/jsonl.js';
import { alertEvent, dnsEvent, flowEvent } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('filters', () => {
  it('take events by type and alerts by minimum score and action', () => {
    expect(matchFilter(undefined, flowEvent(1))).toBe(true);
    expect(matchFilter({ types: ['alert'] }, flowEvent(1))).toBe(false);
    expect(matchFilter({ types: ['alert'] }, alertEvent())).toBe(true);
    expect(matchFilter({ minRiskScore: 90 }, alertEvent({ score: 85 }))).toBe(false);
    expect(matchFilter({ minRiskScore: 90 }, alertEvent({ score: 90 }))).toBe(true);
    expect(matchFilter({ minRiskScore: 90 }, dnsEvent('a.example'))).toBe(true);
    expect(matchFilter({ actions: ['summary'] }, alertEvent())).toBe(false);
  });
});

describe('JSON-lines file sink', () => {
  it('writes one ECS document per line, only the events its filter takes', async () => {
    const path = join(dir, 'alerts.jsonl');
    const sink = createJsonlSink({ path, filter: { types: ['alert'] } }, 'obs');
    sink.write(flowEvent(1));
    sink.write(alertEvent({ domain: 'a\nb' }));
    sink.write(dnsEvent('x'));
    await sink.close(1000);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    const doc = JSON.parse(lines[0] as string) as { event: { kind: string }; destination: { domain: string }; observer: { name: string } };
    expect(doc.event.kind).toBe('alert');
    expect(doc.destination.domain).toBe('a\nb');
    expect(doc.observer.name).toBe('obs');
    expect(sink.stats()).toMatchObject({ written: 1, queued: 0, dropped: {} });
  });

  it('rotates by size at line boundaries and keeps `keep` old files', async () => {
    const path = join(dir, 'rot.jsonl');
    const sink = createJsonlSink({ path, rotateBytes: 4096, keep: 2 }, 'obs');
    for (let i = 0; i < 200; i++) sink.write(flowEvent(i));
    await sink.close(1000);
    const files = readdirSync(dir).filter((f) => f.startsWith('rot.jsonl')).sort();
    expect(files).toEqual(['rot.jsonl', 'rot.jsonl.1', 'rot.jsonl.2']);
    const seqs: number[] = [];
    for (const f of ['rot.jsonl.2', 'rot.jsonl.1', 'rot.jsonl']) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
      expect(text.endsWith('\n')).toBe(true);
      for (const l of text.split('\n').filter((x) => x !== '')) seqs.push(Number((JSON.parse(l) as { flow: { id: string } }).flow.id.slice(4)));
    }
    // the newest lines survive, in order, with no line cut in two
    expect(seqs.at(-1)).toBe(199);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 200 - seqs.length + i));
  });

  it('throws a clear error when the file cannot be opened', () => {
    expect(() => createJsonlSink({ path: join(dir, 'no/such/dir/x.jsonl') }, 'obs')).toThrow(/cannot open output file .*ENOENT/);
  });
});

describe('JSON lines to stdout', () => {
  it('stops quietly when the reader goes away (EPIPE, like `| head -1`): no stack trace, drops counted', async () => {
    const script = join(dir, 'epipe.ts');
    writeFileSync(script, `
import { createJsonlSink } from ${JSON.stringify(join(process.cwd(), 'src/output/jsonl.ts'))};
import { flowEvent } from ${JSON.stringify(join(process.cwd(), 'test/output/fixtures.ts'))};
const s = createJsonlSink({}, 'obs');
for (let i = 0; i < 50000; i++) s.write(flowEvent(i));
s.close(1000).then(() => process.stderr.write('STATS ' + JSON.stringify(s.stats()) + '\\n'));
`);
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    child.stdout.destroy(); // the reader exits after its first chunk
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(first.startsWith('{"@timestamp"')).toBe(true);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/Error|at /);
    const stats = JSON.parse(stderr.slice(stderr.indexOf('STATS ') + 6)) as { written: number; dropped: Record<string, number> };
    expect(stats.dropped['epipe']).toBeGreaterThan(0);
    expect(stats.written + (stats.dropped['epipe'] ?? 0)).toBe(50000);
  });
});
