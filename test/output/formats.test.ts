import { describe, expect, it } from 'vitest';
import { formatCef, escapeCefHeader, escapeCefValue, CEF_LIMITS } from '../../src/output/format/cef.js';
import { formatJsonBody } from '../../src/output/format/json-body.js';
import { bsdTimestamp, formatRfc3164 } from '../../src/output/format/rfc3164.js';
import { escapeSdValue, formatRfc5424, SD_VALUE_MAX_CHARS } from '../../src/output/format/rfc5424.js';
import { capChars, FIELD_MAX_CHARS, safeJson } from '../../src/output/format/sanitize.js';
import { priOf, severityOf } from '../../src/output/format/syslog-fields.js';
import { encodeMessage, frame } from '../../src/output/transport/framing.js';
import { formatSyslogMessage } from '../../src/output/syslog.js';
import { parseCef } from './cef-parse.js';
import { alertEvent, dnsEvent, flowEvent, ftpEvent, httpEvent, T0 } from './fixtures.js';

const HOSTILE = 'x\ny]z|a=b\\c"d\u0000e\r\nf\uD800g\u007f\u0085h\u2028i';

// RFC 5424 section 6 ABNF, header part: PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD
const RFC5424 = /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z) ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) (-|\[.*?[^\\]\]) (.*)$/s;

describe('syslog severity and PRI', () => {
  it('maps alert bands to crit/err/warning/notice and other events to info', () => {
    expect(severityOf(alertEvent({ band: 'critical', score: 95 }))).toBe(2);
    expect(severityOf(alertEvent({ band: 'high' }))).toBe(3);
    expect(severityOf(alertEvent({ band: 'medium', score: 50 }))).toBe(4);
    expect(severityOf(alertEvent({ band: 'low', score: 10 }))).toBe(5);
    expect(severityOf(flowEvent(1))).toBe(6);
    expect(severityOf(dnsEvent('a.example'))).toBe(6);
  });
  it('computes PRI = facility * 8 + severity', () => {
    expect(priOf(16, 3)).toBe(131);
    expect(priOf(4, 2)).toBe(34);
    expect(priOf(23, 7)).toBe(191);
  });
});

describe('RFC 5424', () => {
  it('writes every header field in order, with the event time and MSGID per dataset', () => {
    const msg = formatRfc5424(alertEvent(), '{}', { facility: 16, hostname: 'sensor-1', sdId: 'exfilwatch@32473', procId: '42' });
    const m = RFC5424.exec(msg);
    expect(m).not.toBeNull();
    expect(m?.[1]).toBe('131');
    expect(m?.[2]).toBe('2026-11-02T09:00:05.000000Z');
    expect(m?.[3]).toBe('sensor-1');
    expect(m?.[4]).toBe('exfilwatch');
    expect(m?.[5]).toBe('42');
    expect(m?.[6]).toBe('alert');
    expect(m?.[7]).toContain('[exfilwatch@32473 rule_id="EXF-001" risk_score="85" band="high"');
    expect(m?.[8]).toBe('{}');
    expect(RFC5424.exec(formatRfc5424(flowEvent(3), 'b', { facility: 1, hostname: 'h' }))?.[6]).toBe('flow');
  });
  it('writes NILVALUE structured data when it is turned off, and strips spaces from HOSTNAME', () => {
    const msg = formatRfc5424(dnsEvent('a.example'), 'body', { facility: 16, hostname: 'my sensor\n', procId: '1' });
    expect(msg).toBe('<134>1 2026-11-02T09:00:00.000000Z mysensor exfilwatch 1 dns - body');
  });
  it('escapes ", \\ and ] in SD-PARAM values and leaves no control character', () => {
    expect(escapeSdValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    const v = escapeSdValue(HOSTILE);
    expect(v).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    // every ] and " inside the value is escaped, so the element ends at the first unescaped ]
    expect(v.replace(/\\[\\"\]]/g, '')).not.toMatch(/["\]\\]/);
    expect(escapeSdValue('x'.repeat(1000)).length).toBe(SD_VALUE_MAX_CHARS);
  });
  it('keeps a hostile domain inside its SD-PARAM', () => {
    const msg = formatRfc5424(alertEvent({ domain: HOSTILE }), '-', { facility: 16, hostname: 'h', sdId: 'exfilwatch@32473', procId: '1' });
    const sd = RFC5424.exec(msg)?.[7] ?? '';
    const params = [...sd.matchAll(/ ([^= \]"]+)="((?:[^"\\]|\\.)*)"/g)].map((p) => p[1]);
    expect(params).toEqual(['rule_id', 'risk_score', 'band', 'technique', 'action', 'src_ip', 'dst_ip', 'dst_domain', 'service']);
    expect(msg).not.toMatch(/[\r\n\u0000]/);
  });
});

describe('RFC 3164', () => {
  it('writes <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG with a space-padded day in UTC', () => {
    expect(bsdTimestamp(T0)).toBe('Nov  2 09:00:00');
    expect(bsdTimestamp(Date.UTC(2026, 0, 15, 23, 5, 9) * 1000)).toBe('Jan 15 23:05:09');
    expect(formatRfc3164(alertEvent({ band: 'critical', score: 97 }), 'm', { facility: 4, hostname: 'h 1', procId: '7' })).toBe('<34>Nov  2 09:00:05 h1 exfilwatch[7]: m');
  });
});

describe('CEF', () => {
  it('writes the header and standard extension keys of an alert, and parses back', () => {
    const cef = formatCef(alertEvent(), 'sensor-1', '1.2.3');
    const p = parseCef(cef);
    expect(p?.header).toEqual(['CEF:0', 'exfilwatch', 'exfilwatch', '1.2.3', 'EXF-001', 'Large upload to cloud storage', '9']);
    expect(p?.ext).toMatchObject({
      rt: String(Math.floor(T0 / 1000) + 5000), src: '10.0.0.5', dst: '89.44.169.135', dpt: '443', proto: 'TCP',
      out: '65341647', in: '1213434', dhost: 'gfs270n171.userstorage.mega.co.nz', cs1: 'T1567.002', cs1Label: 'mitreTechnique',
      cat: 'exfilwatch.alert', msg: '10.0.0.5 sent 65 MB to MEGA in 2 minutes', cn1: '85', cn1Label: 'riskScore', dvchost: 'sensor-1',
    });
  });
  it('writes request, requestMethod and the client application of an HTTP request', () => {
    const p = parseCef(formatCef(httpEvent('up.example.com'), 's'));
    expect(p?.header[4]).toBe('http');
    expect(p?.header[6]).toBe('0');
    expect(p?.ext).toMatchObject({ request: 'http://up.example.com/up/up.example.com', requestMethod: 'PUT', spt: '51000', dpt: '80', requestClientApplication: 'up.example.com' });
  });
  it('maps risk score to severity 0-10', () => {
    expect(parseCef(formatCef(alertEvent({ score: 100 }), 's'))?.header[6]).toBe('10');
    expect(parseCef(formatCef(alertEvent({ score: 4 }), 's'))?.header[6]).toBe('0');
    expect(parseCef(formatCef(alertEvent({ score: 55 }), 's'))?.header[6]).toBe('6');
  });
  it('escapes header | and \\, extension = and \\, newlines as \\n / \\r', () => {
    expect(escapeCefHeader('a|b\\c\nd', 100)).toBe('a\\|b\\\\c d');
    expect(escapeCefValue('a=b\\c\nd\re')).toBe('a\\=b\\\\c\\nd\\re');
    expect(escapeCefValue('x'.repeat(5000)).length).toBe(CEF_LIMITS.extValue);
  });
  it('round-trips hostile strings in every event type: one line, same keys, values intact', () => {
    for (const ev of [alertEvent({ domain: HOSTILE, reason: HOSTILE, ruleName: HOSTILE }), httpEvent(HOSTILE), dnsEvent(HOSTILE), ftpEvent(HOSTILE)]) {
      const cef = formatCef(ev, 's');
      expect(cef).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      const p = parseCef(cef);
      expect(p).toBeDefined();
      expect(p?.header).toHaveLength(7);
      const values = Object.values(p?.ext ?? {});
      // the hostile value comes back with its newlines, = and | and \ (controls replaced by U+FFFD)
      expect(values.some((v) => v.includes('x\ny]z|a=b\\c"d\uFFFDe\nf\uFFFDg\uFFFD\uFFFDh\uFFFDi'))).toBe(true);
    }
  });
});

describe('JSON body and sanitising', () => {
  it('is one line of valid JSON with hostile strings escaped and preserved', () => {
    const body = formatJsonBody(dnsEvent(HOSTILE), 's');
    expect(body).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    const doc = JSON.parse(body) as { dns: { question: { name: string } } };
    expect(doc.dns.question.name).toBe('x\ny]z|a=b\\c"d\u0000e\r\nf\uFFFDg\u007f\u0085h\u2028i');
  });
  it('caps strings at FIELD_MAX_CHARS without splitting a surrogate pair', () => {
    const long = safeJson({ s: 'a'.repeat(FIELD_MAX_CHARS * 2) });
    expect((JSON.parse(long) as { s: string }).s.length).toBe(FIELD_MAX_CHARS);
    const pair = capChars('a'.repeat(9) + '😀' + 'b', 11);
    expect(pair).toBe('a'.repeat(9) + '…');
  });
});

describe('framing', () => {
  it('frames with RFC 6587 octet counting: the count is the UTF-8 byte length', () => {
    const msg = Buffer.from('<134>1 - é ü', 'utf8');
    const f = frame(msg, 'octet_counting').toString('utf8');
    expect(f).toBe(`${msg.length} <134>1 - é ü`);
    expect(msg.length).toBe(14);
    expect(frame(Buffer.from('abc'), 'lf').toString()).toBe('abc\n');
  });
  it('cuts at a UTF-8 boundary and never leaves a dangling escape backslash', () => {
    const e = encodeMessage('ab€€', 4);
    expect(e.truncated).toBe(true);
    expect(e.bytes.toString('utf8')).toBe('ab');
    const s = encodeMessage('abc\\\\def', 5); // 'abc\\' + '\\' cut: keep the escape pair whole
    expect(s.bytes.toString()).toBe('abc\\\\');
    expect(encodeMessage('abc\\\\def', 4).bytes.toString()).toBe('abc');
    expect(encodeMessage('short', 100)).toEqual({ bytes: Buffer.from('short'), truncated: false });
  });
  it('replaces a stray newline so LF framing cannot split a message', () => {
    expect(encodeMessage('a\nb\rc', 100).bytes.toString()).toBe('a b c');
  });
});

describe('whole syslog messages', () => {
  it('never contain a raw newline or NUL, for every header format and body', () => {
    for (const format of ['rfc5424', 'rfc3164'] as const) {
      for (const body of ['json', 'cef'] as const) {
        for (const ev of [alertEvent({ domain: HOSTILE }), httpEvent(HOSTILE), dnsEvent(HOSTILE), ftpEvent(HOSTILE), flowEvent(1, HOSTILE)]) {
          const m = formatSyslogMessage(ev, { format, body, facility: 16, structuredData: true, sdId: 'exfilwatch@32473' }, 'obs');
          expect(m).not.toMatch(/[\r\n\u0000]/);
        }
      }
    }
  });
});
