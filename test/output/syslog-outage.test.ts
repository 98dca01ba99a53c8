import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCounters } from '../../src/core/counters.js';
import { outputsSchema, resolveSyslog, type SyslogSinkConfig } from '../../src/output/config.js';
import { createSyslogSink } from '../../src/output/syslog.js';
import { createRsyslog, type Rsyslog } from '../helpers/rsyslog.js';
import { flowEvent } from './fixtures.js';

const N = 10_000;
let rs: Rsyslog;
let spoolRoot: string;

beforeAll(async () => {
  rs = await createRsyslog();
  await rs.start();
  spoolRoot = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
});
afterAll(async () => {
  await rs.dispose();
  rmSync(spoolRoot, { recursive: true, force: true });
});

const flowIds = (input: string): string[] =>
  rs.messages().filter((m) => m.input === input).map((m) => /flow_id="([^"]+)"/.exec(m.sd)?.[1] ?? '?');

describe.each(['tcp', 'tls'] as const)('outage over %s', (proto) => {
  it(`delivers all ${N} events exactly once and in order after the receiver comes back`, async () => {
    const port = proto === 'tcp' ? rs.tcpPort : rs.tlsPort;
    const cfg = outputsSchema.parse([{
      type: 'syslog', url: `${proto}://127.0.0.1:${port}`, tls: { ca_file: rs.caFile },
      queue_max_events: 1000, spool_dir: join(spoolRoot, proto), spool_segment_bytes: 256 * 1024,
      reconnect_min_ms: 50, reconnect_max_ms: 400,
    }])[0] as SyslogSinkConfig;
    const counters = createCounters();
    const sink = createSyslogSink(resolveSyslog(cfg), 'obs', counters);
    const before = flowIds(proto).length;

    sink.write(flowEvent(0)); // connected: this one goes straight through
    for (let i = 0; i < 200 && flowIds(proto).length < before + 1; i++) await new Promise((r) => setTimeout(r, 25));
    expect(flowIds(proto).length).toBe(before + 1);

    await rs.stop();
    for (let i = 1; i <= N; i++) sink.write(flowEvent(i));
    const mid = sink.stats();
    expect(mid.queued + mid.spooled).toBe(N); // nothing written while the receiver is down
    expect(mid.spooled).toBe(N - 1000);
    expect(readdirSync(join(spoolRoot, proto)).some((f) => f.endsWith('.spool'))).toBe(true);

    await rs.start();
    await sink.close(60_000);
    const ids = flowIds(proto).slice(before);
    expect(ids.length).toBe(N + 1);
    expect(ids).toEqual(Array.from({ length: N + 1 }, (_, i) => `seq-${String(i).padStart(6, '0')}`));
    expect(sink.stats()).toMatchObject({ written: N + 1, queued: 0, spooled: 0, dropped: {} });
    expect(counters.get('output.syslog.disconnect')).toBeGreaterThanOrEqual(1);
    expect(readdirSync(join(spoolRoot, proto)).filter((f) => f.endsWith('.spool'))).toEqual([]);
  });
});
