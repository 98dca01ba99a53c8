import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCounters } from '../../src/core/counters.js';
import type { SensorEvent } from '../../src/core/types.js';
import { outputsSchema, resolveSyslog, type SyslogSinkConfig } from '../../src/output/config.js';
import { createSyslogSink } from '../../src/output/syslog.js';
import { createRsyslog, type Rsyslog } from '../helpers/rsyslog.js';
import { parseCef } from './cef-parse.js';
import { alertEvent, dnsEvent, ftpEvent, httpEvent } from './fixtures.js';

let rs: Rsyslog;
beforeAll(async () => { rs = await createRsyslog(); await rs.start(); });
afterAll(async () => { await rs.dispose(); });

// newline, ], |, =, NUL, CR, a backslash, a quote, and bytes that are not UTF-8 (decoded the way a
// decoder would: 0xff 0xfe become U+FFFD; a lone surrogate stands for a broken UTF-16 conversion)
const NOT_UTF8 = Buffer.from([0x61, 0xff, 0xfe, 0xc3]).toString('utf8');
const hostile = (tag: string): string => `${tag}.evil\n<13>1 fake] x|y=z\u0000\r\n\\"${NOT_UTF8}\uDC00.example`;

const COMBOS = (['udp', 'tcp', 'tcp-lf', 'tls'] as const).flatMap((t) =>
  (['rfc5424', 'rfc3164'] as const).flatMap((format) => (['json', 'cef'] as const).map((body) => ({ t, format, body }))));

describe('hostile names through every format and transport reach a real rsyslog as one well-formed message each', () => {
  it.each(COMBOS)('$t $format $body', async ({ t, format, body }) => {
    const tag = `k${t.replace('-', '')}${format}${body}`;
    const proto = t === 'tcp-lf' ? 'tcp' : t;
    const port = proto === 'udp' ? rs.udpPort : proto === 'tcp' ? rs.tcpPort : rs.tlsPort;
    const cfg = outputsSchema.parse([{
      type: 'syslog', url: `${proto}://127.0.0.1:${port}`, format, body, tls: { ca_file: rs.caFile, servername: 'localhost' },
      framing: t === 'tcp-lf' ? 'lf' : 'octet_counting', hostname: `sensor-${tag}`,
    }])[0] as SyslogSinkConfig;
    const sink = createSyslogSink(resolveSyslog(cfg), 'obs', createCounters());
    const events: SensorEvent[] = [alertEvent({ domain: hostile(tag), reason: hostile(tag), ruleName: hostile(tag) }), dnsEvent(hostile(tag)), httpEvent(hostile(tag)), ftpEvent(hostile(tag))];
    for (const ev of events) sink.write(ev);
    await sink.close(10_000);
    expect(sink.stats().written).toBe(events.length);

    let mine = rs.messages().filter((m) => m.hostname === `sensor-${tag}`);
    for (let i = 0; i < 200 && mine.length < events.length; i++) {
      await new Promise((r) => setTimeout(r, 25));
      mine = rs.messages().filter((m) => m.hostname === `sensor-${tag}`);
    }
    // exactly one message per event: no message was split by a newline or merged by a bad count
    expect(mine.length).toBe(events.length);
    expect(rs.lines().every((l) => !l.includes('fake]') || l.includes(`"hostname":"sensor-`))).toBe(true);
    for (const [i, m] of mine.entries()) {
      expect(m.app).toBe('exfilwatch');
      expect(m.raw).not.toMatch(/[\u0000-\u001f]/);
      expect(m.raw).not.toMatch(/#0(00|12|15)/); // rsyslog's escape of a received control character
      const ev = events[i] as SensorEvent;
      if (format === 'rfc5424') {
        expect(m.version).toBe('1');
        expect(m.msgid).toBe(ev.type);
        expect(m.sd.startsWith('[exfilwatch@32473 ')).toBe(true);
      }
      expect(m.pri).toBe(ev.type === 'alert' ? String(16 * 8 + 3) : String(16 * 8 + 6));
      const text = m.msg.trimStart();
      if (body === 'json') {
        const doc = JSON.parse(text) as { event: { dataset: string } };
        expect(doc.event.dataset).toBe(`exfilwatch.${ev.type}`);
        expect(text).toContain(`${tag}.evil\\n<13>1 fake] x|y=z\\u0000\\r\\n\\\\\\"a\uFFFD\uFFFD\uFFFD\uFFFD.example`);
      } else {
        const cef = parseCef(text);
        expect(cef?.header).toHaveLength(7);
        expect(cef?.header[4]).toBe(ev.type === 'alert' ? 'EXF-001' : ev.type);
        const values = Object.values(cef?.ext ?? {});
        expect(values.some((v) => v.includes(`${tag}.evil\n<13>1 fake] x|y=z\uFFFD\n\\"a\uFFFD\uFFFD\uFFFD\uFFFD.example`))).toBe(true);
      }
    }
  });
});
