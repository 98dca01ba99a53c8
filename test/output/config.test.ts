import { describe, expect, it } from 'vitest';
import { outputsSchema, parseSyslogUrl, resolveSyslog, type SyslogSinkConfig } from '../../src/output/config.js';

describe('parseSyslogUrl', () => {
  it('parses the three transports with default and explicit ports, IPv6 in brackets', () => {
    expect(parseSyslogUrl('udp://siem.example')).toEqual({ ok: true, target: { protocol: 'udp', host: 'siem.example', port: 514 } });
    expect(parseSyslogUrl('tcp://10.1.2.3:1514')).toEqual({ ok: true, target: { protocol: 'tcp', host: '10.1.2.3', port: 1514 } });
    expect(parseSyslogUrl('tls://siem.example')).toEqual({ ok: true, target: { protocol: 'tls', host: 'siem.example', port: 6514 } });
    expect(parseSyslogUrl('TCP://[::1]:514/')).toEqual({ ok: true, target: { protocol: 'tcp', host: '::1', port: 514 } });
  });
  it('rejects bad input with a sentence that names the problem', () => {
    for (const [url, why] of [['http://x:514', 'unknown scheme'], ['siem:514', 'no scheme'], ['tcp://x:0', 'port out of range'], ['tcp://x:99999', 'not a URL'],
      ['tcp://x:', 'port out of range'], ['tcp://u:p@x:514', 'credentials'], ['tcp://x:514/path', 'path'], ['tcp://', 'no host']] as const) {
      const r = parseSyslogUrl(url);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain(why);
    }
  });
});

describe('outputs schema', () => {
  it('defaults to JSON lines on stdout', () => {
    expect(outputsSchema.parse(undefined)).toEqual([{ type: 'jsonl', rotate_bytes: 104857600, keep: 5, on_full: 'wait', max_queue_bytes: 16777216 }]);
  });
  it('fills syslog defaults and normalises dataset names in filters', () => {
    const [s] = outputsSchema.parse([{ type: 'syslog', url: 'tls://siem:6514', filter: { types: ['exfilwatch.alert'], min_risk_score: 70 } }]) as [SyslogSinkConfig];
    expect(s).toMatchObject({ format: 'rfc5424', body: 'json', facility: 'local0', framing: 'octet_counting', structured_data: true, tls: { verify: true }, queue_max_events: 10000 });
    const r = resolveSyslog(s);
    expect(r).toMatchObject({ protocol: 'tls', host: 'siem', port: 6514, facility: 16, maxMessageBytes: 65536, filter: { types: ['alert'], minRiskScore: 70 } });
    expect(resolveSyslog({ ...s, url: 'udp://siem' }).maxMessageBytes).toBe(2048);
  });
  it('rejects unknown keys, unknown event types, a missing host and a lone client certificate', () => {
    const issues = (v: unknown): string[] => outputsSchema.safeParse(v).error?.issues.map((i) => i.message) ?? [];
    expect(issues([{ type: 'jsonl', rotate: 5 }]).join()).toContain('Unrecognized key');
    expect(issues([{ type: 'jsonl', filter: { types: ['alerts'] } }]).join()).toContain('unknown event type "alerts"');
    expect(issues([{ type: 'syslog' }]).join()).toContain('needs url or host');
    expect(issues([{ type: 'syslog', host: 'h', tls: { cert_file: 'c.pem' } }]).join()).toContain('go together');
    expect(issues([{ type: 'kafka' }]).length).toBeGreaterThan(0);
  });
});
