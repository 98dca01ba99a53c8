import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { dataset, get, parseLines, PCAPS, runCli } from '../helpers/cli.js';
import { createRsyslog, type Rsyslog } from '../helpers/rsyslog.js';

// The end-to-end check: a replay delivers its alerts to a real rsyslog as RFC 5424 messages.
describe('exfilwatch replay --syslog to a real rsyslog', () => {
  let rs: Rsyslog;
  beforeAll(async () => {
    rs = await createRsyslog();
    await rs.start();
  });
  afterAll(async () => {
    await rs.dispose();
  });

  it.each(['json', 'cef'] as const)('delivers every event of the MEGA capture over TCP with a %s body', async (format) => {
    const before = rs.messages().length;
    const r = runCli(['replay', '-q', '--no-progress', '--format', format, '--syslog', `tcp://127.0.0.1:${rs.tcpPort}`, join(PCAPS, 'mega-upload-rclone.pcap')]);
    expect(r.code).toBe(0);
    const local = parseLines(r.stdout);
    const got = (await rs.waitFor(before + local.length, 30_000)).slice(before);
    expect(got).toHaveLength(local.length);
    for (const m of got) {
      expect(m.version).toBe('1');
      expect(m.app).toBe('exfilwatch');
    }
    const alerts = got.filter((m) => m.msgid === 'alert');
    expect(alerts).toHaveLength(dataset(local, 'alert').length);
    if (format === 'json') {
      const docs = alerts.map((m) => JSON.parse(m.msg) as Record<string, unknown>);
      expect(docs.map((d) => get(d, 'event.reason'))).toEqual(dataset(local, 'alert').map((d) => get(d, 'event.reason')));
    } else {
      for (const m of alerts) expect(m.msg).toMatch(/^CEF:0\|exfilwatch\|exfilwatch\|[^|]+\|EXF-100\d\|[^|]+\|\d+\|.*\bsrc=10\.20\.30\.41\b/);
    }
  });
});
