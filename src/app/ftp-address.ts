import { isIP } from 'node:net';

/** Where an FTP data connection will be accepted: the listener's address and port. */
export interface DataAddress {
  readonly ip: string;
  readonly port: number;
}

const SIX_NUMBERS = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/;

/**
 * Parse the data address of an FTP `PORT`/`EPRT` argument or a `227 (PASV)`/`229 (EPSV)` reply text.
 * `fallbackIp` is used when the text carries only a port (EPSV, or EPRT with an empty address).
 * Undefined when the text is malformed (out-of-range octets, port 0, unknown address family).
 */
export function parseDataAddress(kind: 'PORT' | 'PASV' | 'EPRT' | 'EPSV', text: string, fallbackIp: string): DataAddress | undefined {
  if (kind === 'PORT' || kind === 'PASV') {
    const m = SIX_NUMBERS.exec(text);
    if (m === null) return undefined;
    const n = m.slice(1, 7).map(Number);
    if (n.some((x) => x > 255)) return undefined;
    const port = (n[4] ?? 0) * 256 + (n[5] ?? 0);
    return port === 0 ? undefined : { ip: n.slice(0, 4).join('.'), port };
  }
  if (kind === 'EPSV') {
    // RFC 2428: (<d><d><d><port><d>), the delimiter usually '|'
    const m = /\(([\x21-\x7e])\1\1(\d{1,5})\1\)/.exec(text);
    return m === null ? undefined : withPort(fallbackIp, Number(m[2]));
  }
  // EPRT <d><af><d><address><d><port><d>
  const d = text.trim()[0];
  if (d === undefined) return undefined;
  const parts = text.trim().split(d);
  if (parts.length !== 5) return undefined;
  const af = parts[1];
  const ip = parts[2] === '' ? fallbackIp : (parts[2] ?? '');
  const family = isIP(ip);
  if ((af === '1' && family !== 4) || (af === '2' && family !== 6) || (af !== '1' && af !== '2')) return undefined;
  return withPort(ip, Number(parts[3]));
}

function withPort(ip: string, port: number): DataAddress | undefined {
  return Number.isInteger(port) && port > 0 && port <= 65535 ? { ip, port } : undefined;
}
