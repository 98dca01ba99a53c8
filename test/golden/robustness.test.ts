import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPipeline } from '../../src/cli/pipeline.js';
import { parseConfig } from '../../src/config/load.js';
import type { SensorEvent } from '../../src/core/types.js';
import { readCapture } from '../../src/ingest/capture.js';
import { createRng } from '../../pcaps/gen/prng.js';
import { PCAPS, runCli, SAMPLE_CONFIG } from '../helpers/cli.js';

const SAMPLES = ['dns-only.pcap', 'dns-tcp.pcap', 'two-interfaces.pcapng', 'vlan-ipv6.pcap', 'benign-mix.pcap', 'ftp-stor.pcap'];
const MUTATIONS = 25;

describe('damaged captures never crash or hang the sensor', () => {
  it.each(SAMPLES)('%s: seeded truncations and byte flips through the whole pipeline', async (name) => {
    const original = readFileSync(join(PCAPS, name));
    const rng = createRng(name.length * 7919);
    const next = (): number => rng.float();
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-fuzz-'));
    const config = parseConfig({}, 'test');
    if (!config.ok) throw new Error(config.error);
    for (let i = 0; i < MUTATIONS; i++) {
      const bytes = Buffer.from(original);
      const cut = i % 3 === 0 ? Math.floor(next() * bytes.length) : bytes.length;
      const flips = i % 3 === 0 ? 0 : 1 + Math.floor(next() * 64);
      for (let f = 0; f < flips; f++) bytes[Math.floor(next() * cut)] = Math.floor(next() * 256);
      const file = join(dir, `m${i}.pcap`);
      writeFileSync(file, bytes.subarray(0, cut));
      const events: SensorEvent[] = [];
      const sink = { name: 'memory', write: (e: SensorEvent) => { events.push(e); }, close: async () => undefined, stats: () => ({ written: events.length, queued: 0, spooled: 0, dropped: {} }) };
      const p = buildPipeline(config.config, { sinks: [sink] });
      const r = await readCapture(file, (fr) => p.sensor.frame(fr), { counters: p.counters });
      await p.sensor.finish();
      // Every frame before a reported error was read; a damaged file says where it stopped.
      expect(r.frames).toBeGreaterThanOrEqual(0);
      if (r.error) expect(r.error.offset).toBeLessThanOrEqual(cut);
      expect(p.sensor.stats().packets).toBe(r.frames);
    }
  });

  it('the CLI prints one line, no stack trace, for a damaged file, a missing file and a non-capture', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-bad-'));
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'not a capture at all\n');
    const bytes = readFileSync(join(PCAPS, 'vlan-ipv6.pcap'));
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    for (const f of [junk, cut, join(dir, 'missing.pcap')]) {
      const r = runCli(['replay', '-q', '-c', SAMPLE_CONFIG, f]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(f);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    }
    // The half file still gave the events of its complete packets.
    expect(runCli(['replay', '-q', cut]).stdout.length).toBeGreaterThan(0);
  });

  it('reads a pcap stream from standard input like the file', () => {
    const file = join(PCAPS, 'vlan-ipv6.pcap');
    const fromFile = runCli(['replay', '-q', file]);
    const fromStdin = runCli(['replay', '-q', '-'], { input: readFileSync(file) });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  });

  it('gives identical output when the same file is replayed twice', () => {
    const file = join(PCAPS, 'mega-upload-tls.pcap');
    expect(runCli(['replay', '-q', file]).stdout).toBe(runCli(['replay', '-q', file]).stdout);
  });

  it('rejects a bad config with the file and key named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-cfg-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'flow:\n  max_flows: -3\n  idel_timeout: 5\n');
    const r = runCli(['replay', '-c', bad, join(PCAPS, 'dns-only.pcap')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: flow.max_flows`);
    expect(r.stderr).toMatch(/idel_timeout/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
