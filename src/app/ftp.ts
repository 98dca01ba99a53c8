import type { Endpoints, Micros } from '../core/types.js';
import { parseDataAddress, type DataAddress } from './ftp-address.js';
import type { AppObserver, Dir, ObserverContext } from './observer.js';

/** Bounds of the FTP observer. */
export interface FtpObserverOptions {
  /** longest control line kept, in bytes; longer lines are cut there and counted */
  readonly maxLineBytes: number;
  /** commands waiting for their reply; when full the oldest is emitted without one and counted */
  readonly maxPending: number;
  /** how long an announced data connection stays expected, in µs */
  readonly dataExpectMicros: Micros;
}

export const DEFAULT_FTP_OPTIONS: FtpObserverOptions = { maxLineBytes: 2048, maxPending: 32, dataExpectMicros: 120_000_000 };

interface PendingCommand { readonly ts: Micros; readonly command: string; readonly argument: string; code?: number; message?: string }

/** Per-flow state of the FTP observer. */
export interface FtpState {
  readonly ep: Endpoints;
  readonly ctx: ObserverContext;
  /** which direction the FTP server talks in (normally 'resp'; 'orig' if the flow was picked up reversed) */
  readonly serverDir: Dir;
  readonly line: Record<Dir, Buffer>;
  /** a line longer than the bound is being skipped up to its end */
  readonly skipping: Record<Dir, boolean>;
  readonly pending: PendingCommand[];
  /** code of a multi-line reply in progress (`123-` … `123 `) */
  multiline: number | undefined;
}

const FTP_PORT = 21;
const REPLY = /^([1-5][0-9][0-9])([ -])(.*)$/;

/**
 * FTP control connections (TCP port 21, either side): one `ftp` event per client command with its
 * final reply; PASV/EPSV replies and PORT/EPRT commands announce the data connection to the flow table.
 * Counters: `ftp.line_too_long`, `ftp.pending_evicted`, `ftp.bad_data_address`, `ftp.gap`, `ftp.data_ip_mismatch`.
 */
export function createFtpObserver(opts: FtpObserverOptions = DEFAULT_FTP_OPTIONS): AppObserver<FtpState> {
  return {
    name: 'ftp',
    accepts(ep) {
      return ep.transport === 'tcp' && (ep.serverPort === FTP_PORT || ep.clientPort === FTP_PORT);
    },
    open(ep, ctx) {
      ctx.setApp('ftp');
      return {
        ep, ctx, serverDir: ep.serverPort === FTP_PORT ? 'resp' : 'orig',
        line: { orig: Buffer.alloc(0), resp: Buffer.alloc(0) }, skipping: { orig: false, resp: false },
        pending: [], multiline: undefined,
      };
    },
    data(s, dir, payload, ts, gap) {
      if (gap) {
        s.ctx.counters.inc('ftp.gap');
        // the partial line before the gap belongs to nothing we can trust; the bytes after it start a
        // line of their own when they look like one (segments usually carry whole lines)
        s.line[dir] = Buffer.alloc(0);
        s.skipping[dir] = !startsLine(payload, dir === s.serverDir);
      }
      let buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a)) {
        const part = buf.subarray(0, nl);
        buf = buf.subarray(nl + 1);
        if (s.skipping[dir]) {
          s.skipping[dir] = false;
          s.line[dir] = Buffer.alloc(0);
          continue;
        }
        const whole = s.line[dir].length === 0 ? part : Buffer.concat([s.line[dir], part]);
        s.line[dir] = Buffer.alloc(0);
        const text = whole.subarray(0, opts.maxLineBytes).toString('latin1').replace(/\r$/, '');
        if (whole.length > opts.maxLineBytes) s.ctx.counters.inc('ftp.line_too_long');
        if (dir === s.serverDir) onReply(s, text, ts, opts);
        else onCommand(s, text, ts, opts);
      }
      if (!s.skipping[dir] && buf.length > 0) {
        const keep = Buffer.concat([s.line[dir], buf]);
        if (keep.length > opts.maxLineBytes) {
          // keep the first maxLineBytes, drop the rest of this line
          s.ctx.counters.inc('ftp.line_too_long');
          const cut = Buffer.from(keep.subarray(0, opts.maxLineBytes));
          s.skipping[dir] = true;
          if (dir === s.serverDir) onReply(s, cut.toString('latin1'), ts, opts);
          else onCommand(s, cut.toString('latin1'), ts, opts);
          s.line[dir] = Buffer.alloc(0);
        } else {
          s.line[dir] = keep;
        }
      }
      return true;
    },
    close(s) {
      for (const p of s.pending.splice(0)) emit(s, p);
    },
  };
}

const COMMAND_START = /^[A-Za-z]{3,4}(?: |\r?\n)/;
const REPLY_START = /^[1-5]\d\d[ -]/;

/** Whether bytes right after a gap begin a command (or, from the server, a reply) line. */
function startsLine(payload: Uint8Array, fromServer: boolean): boolean {
  const head = Buffer.from(payload.buffer, payload.byteOffset, Math.min(payload.byteLength, 8)).toString('latin1');
  return (fromServer ? REPLY_START : COMMAND_START).test(head);
}

function onCommand(s: FtpState, line: string, ts: Micros, opts: FtpObserverOptions): void {
  const text = line.replace(/^\s+/, '');
  if (text.length === 0) return;
  const sp = text.indexOf(' ');
  const command = (sp < 0 ? text : text.slice(0, sp)).toUpperCase().slice(0, 32);
  const argument = sp < 0 ? '' : text.slice(sp + 1);
  if (s.pending.length >= opts.maxPending) {
    const oldest = s.pending.shift();
    s.ctx.counters.inc('ftp.pending_evicted');
    if (oldest !== undefined) emit(s, oldest);
  }
  s.pending.push({ ts, command, argument });
  if (command === 'PORT' || command === 'EPRT') {
    // active mode: the FTP server opens the data connection to the address the client gave
    const addr = parseDataAddress(command, argument, controlClientIp(s));
    announce(s, addr, ts, opts, 'server-connects');
  }
}

function onReply(s: FtpState, line: string, ts: Micros, opts: FtpObserverOptions): void {
  const m = REPLY.exec(line);
  if (s.multiline !== undefined) {
    // only `<same code><space>` ends a multi-line reply
    if (m === null || Number(m[1]) !== s.multiline || m[2] !== ' ') return;
    s.multiline = undefined;
    return;
  }
  if (m === null) return;
  const code = Number(m[1]);
  if (m[2] === '-') s.multiline = code;
  const message = (m[3] ?? '').slice(0, 512);
  if (code === 227 || code === 229) {
    const addr = parseDataAddress(code === 227 ? 'PASV' : 'EPSV', message, controlServerIp(s));
    announce(s, addr, ts, opts, 'client-connects');
  }
  const p = s.pending[0];
  if (p === undefined) return; // the greeting, or a reply to a command we did not see
  p.code = code;
  p.message = message;
  // 1xx is preliminary (e.g. 150 before a transfer): the command is done at its final reply
  if (code >= 200) {
    s.pending.shift();
    emit(s, p);
  }
}

function controlClientIp(s: FtpState): string {
  return s.serverDir === 'resp' ? s.ep.clientIp : s.ep.serverIp;
}

function controlServerIp(s: FtpState): string {
  return s.serverDir === 'resp' ? s.ep.serverIp : s.ep.clientIp;
}

function announce(s: FtpState, addr: DataAddress | undefined, ts: Micros, opts: FtpObserverOptions, who: 'client-connects' | 'server-connects'): void {
  if (addr === undefined) {
    s.ctx.counters.inc('ftp.bad_data_address');
    return;
  }
  const until = ts + opts.dataExpectMicros;
  const controlId = s.ep.flowId;
  // The announced address may be a private one behind NAT; the peer of the control connection is the
  // other likely target (curl, for one, ignores the PASV address by default).
  const listenerIps = who === 'client-connects' ? [addr.ip, controlServerIp(s)] : [addr.ip, controlClientIp(s)];
  const connectorIp = who === 'client-connects' ? controlClientIp(s) : controlServerIp(s);
  if (listenerIps[0] !== listenerIps[1]) s.ctx.counters.inc('ftp.data_ip_mismatch');
  for (const serverIp of new Set(listenerIps)) {
    s.ctx.expect({ clientIp: connectorIp, serverIp, serverPort: addr.port, app: 'ftp-data', controlId, until });
  }
}

function emit(s: FtpState, p: PendingCommand): void {
  s.ctx.emit({
    type: 'ftp',
    ftp: {
      ts: p.ts, endpoints: s.ep, command: p.command, argument: p.argument,
      ...(p.code === undefined ? {} : { replyCode: p.code }),
      ...(p.message === undefined ? {} : { replyMessage: p.message }),
    },
  });
}
