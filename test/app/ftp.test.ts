import { describe, expect, it } from 'vitest';
import { parseDataAddress } from '../../src/app/ftp-address.js';
import { createFtpObserver } from '../../src/app/ftp.js';
import type { FtpCommand } from '../../src/core/types.js';
import { ascii, endpoints, recorder } from './harness.js';

const cmds = (r: ReturnType<typeof recorder>): FtpCommand[] => r.events.flatMap((e) => (e.type === 'ftp' ? [e.ftp] : []));
const EP = endpoints('tcp', 21, { clientIp: '10.0.0.5', serverIp: '198.51.100.7', flowId: 'CTRL' });

describe('ftp data addresses', () => {
  it('parses PORT/PASV, EPSV and EPRT, and rejects malformed ones', () => {
    expect(parseDataAddress('PASV', 'Entering Passive Mode (198,51,100,7,195,80).', 'x')).toEqual({ ip: '198.51.100.7', port: 50000 });
    expect(parseDataAddress('PORT', '10,0,0,5,4,1', 'x')).toEqual({ ip: '10.0.0.5', port: 1025 });
    expect(parseDataAddress('EPSV', 'Entering Extended Passive Mode (|||6446|)', '198.51.100.7')).toEqual({ ip: '198.51.100.7', port: 6446 });
    expect(parseDataAddress('EPRT', '|2|2001:db8::5|5282|', 'x')).toEqual({ ip: '2001:db8::5', port: 5282 });
    expect(parseDataAddress('PORT', '10,0,0,500,4,1', 'x')).toBeUndefined();
    expect(parseDataAddress('EPRT', '|1|2001:db8::5|5282|', 'x')).toBeUndefined();
    expect(parseDataAddress('EPSV', '(|||70000|)', 'x')).toBeUndefined();
  });
});

describe('ftp observer', () => {
  it('accepts port 21 on either side', () => {
    const o = createFtpObserver();
    expect(o.accepts(EP, 'resp', ascii('220 hi\r\n'))).toBe(true);
    expect(o.accepts(endpoints('tcp', 40000, { clientPort: 21 }), 'orig', ascii('220 hi\r\n'))).toBe(true);
    expect(o.accepts(endpoints('tcp', 2121), 'orig', ascii('USER a\r\n'))).toBe(false);
  });

  it('pairs commands with final replies, passive STOR announces the data connection', () => {
    const o = createFtpObserver();
    const r = recorder();
    const s = o.open(EP, r);
    o.data(s, 'resp', ascii('220-Welcome\r\n220 ready\r\n'), 1_000_000, false);
    o.data(s, 'orig', ascii('user anon\r\n'), 2_000_000, false);
    o.data(s, 'resp', ascii('331 Password'), 3_000_000, false); // reply split mid-line
    o.data(s, 'resp', ascii(' required\r\n'), 3_100_000, false);
    o.data(s, 'orig', ascii('PASV\r\n'), 4_000_000, false);
    o.data(s, 'resp', ascii('227 Entering Passive Mode (198,51,100,7,195,80).\r\n'), 5_000_000, false);
    o.data(s, 'orig', ascii('STOR secrets.tar.gz\r\n'), 6_000_000, false);
    o.data(s, 'resp', ascii('150 Ok to send data.\r\n'), 7_000_000, false);
    expect(cmds(r).map((c) => c.command)).toEqual(['USER', 'PASV']);
    o.data(s, 'resp', ascii('226 Transfer complete.\r\n'), 9_000_000, false);
    expect(cmds(r).map((c) => [c.command, c.argument, c.replyCode, c.replyMessage])).toEqual([
      ['USER', 'anon', 331, 'Password required'],
      ['PASV', '', 227, 'Entering Passive Mode (198,51,100,7,195,80).'],
      ['STOR', 'secrets.tar.gz', 226, 'Transfer complete.'],
    ]);
    expect(r.expects).toEqual([
      { clientIp: '10.0.0.5', serverIp: '198.51.100.7', serverPort: 50000, app: 'ftp-data', controlId: 'CTRL', until: 125_000_000 },
    ]);
    expect(r.apps).toEqual(['ftp']);
  });

  it('EPSV announces the control server address; PORT and EPRT make the FTP server the originator', () => {
    const o = createFtpObserver();
    const r = recorder();
    const s = o.open(EP, r);
    o.data(s, 'orig', ascii('EPSV\r\n'), 0, false);
    o.data(s, 'resp', ascii('229 Entering Extended Passive Mode (|||6446|)\r\n'), 1, false);
    o.data(s, 'orig', ascii('PORT 10,0,0,5,4,1\r\n'), 2, false);
    o.data(s, 'orig', ascii('EPRT |1|10.0.0.5|5282|\r\n'), 3, false);
    expect(r.expects.map((e) => [e.clientIp, e.serverIp, e.serverPort])).toEqual([
      ['10.0.0.5', '198.51.100.7', 6446],
      ['198.51.100.7', '10.0.0.5', 1025],
      ['198.51.100.7', '10.0.0.5', 5282],
    ]);
  });

  it('also expects the control peer when PASV announces another (NATed) address', () => {
    const o = createFtpObserver();
    const r = recorder();
    const s = o.open(EP, r);
    o.data(s, 'resp', ascii('227 Entering Passive Mode (192,168,1,2,0,21)\r\n'), 0, false);
    expect(r.expects.map((e) => e.serverIp)).toEqual(['192.168.1.2', '198.51.100.7']);
    expect(r.counters.get('ftp.data_ip_mismatch')).toBe(1);
  });

  it('bounds lines and pending commands, and emits unanswered commands at close', () => {
    const o = createFtpObserver({ maxLineBytes: 32, maxPending: 2, dataExpectMicros: 1 });
    const r = recorder();
    const s = o.open(EP, r);
    o.data(s, 'orig', ascii(`RETR ${'x'.repeat(100)}`), 0, false);
    o.data(s, 'orig', ascii(`${'y'.repeat(100)}\r\nnoop\r\nQUIT\r\n`), 1, false);
    expect(r.counters.get('ftp.line_too_long')).toBe(1);
    expect(r.counters.get('ftp.pending_evicted')).toBe(1);
    o.close(s, 2);
    expect(cmds(r).map((c) => [c.command, c.argument.length])).toEqual([['RETR', 27], ['NOOP', 0], ['QUIT', 0]]);
    expect(cmds(r).every((c) => c.replyCode === undefined)).toBe(true);
  });

  it('ignores the lines inside a multi-line reply', () => {
    const o = createFtpObserver();
    const r = recorder();
    const s = o.open(EP, r);
    o.data(s, 'orig', ascii('FEAT\r\nSYST\r\n'), 0, false);
    o.data(s, 'resp', ascii('211-Features:\r\n 200 not a reply\r\n211 End\r\n215 UNIX Type: L8\r\n'), 1, false);
    expect(cmds(r).map((c) => [c.command, c.replyCode])).toEqual([['FEAT', 211], ['SYST', 215]]);
  });

  it('after a capture gap keeps a chunk that starts a command line, and drops the rest of a cut line', () => {
    const o = createFtpObserver();
    const r = recorder();
    const s = o.open(EP, r);
    o.data(s, 'orig', ascii('TYPE I\r\n'), 1, false);
    o.data(s, 'orig', ascii('RETR a.gz\r\n'), 2, true); // the PASV before it was never captured
    o.data(s, 'orig', ascii('T b.gz\r\nQUIT\r\n'), 3, true); // cut mid-line: 'T b.gz' is not a command
    o.close(s, 4);
    expect(cmds(r).map((c) => `${c.command} ${c.argument}`)).toEqual(['TYPE I', 'RETR a.gz', 'QUIT ']);
    expect(r.counters.get('ftp.gap')).toBe(2);
  });
});

