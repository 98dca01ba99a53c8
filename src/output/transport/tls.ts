import { readFileSync } from 'node:fs';
import { isIP, type Socket } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import type { Connector } from './stream-delivery.js';

/** TLS settings (RFC 5425). Certificate and name verification are on unless `verify` is false. */
export interface TlsSettings {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** name the receiver's certificate must carry (and SNI); the host when absent */
  readonly servername?: string;
  readonly verify: boolean;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read TLS ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/**
 * A connector for syslog over TLS. PEM files are read once here, so a missing file is a start-up
 * error (thrown with the path), not a silent reconnect loop. TLS 1.2 is the floor (RFC 9662 updates 5425).
 */
export function tlsConnector(host: string, port: number, t: TlsSettings): Connector {
  const base: ConnectionOptions = {
    host,
    port,
    minVersion: 'TLSv1.2',
    rejectUnauthorized: t.verify,
    ...(t.caFile !== undefined ? { ca: readPem(t.caFile, 'CA file') } : {}),
    ...(t.certFile !== undefined ? { cert: readPem(t.certFile, 'certificate') } : {}),
    ...(t.keyFile !== undefined ? { key: readPem(t.keyFile, 'key') } : {}),
  };
  const name = t.servername ?? (isIP(host) === 0 ? host : undefined);
  if (name !== undefined) base.servername = name;
  return (): Socket => {
    const s = connect(base);
    s.setNoDelay(true);
    s.setKeepAlive(true, 30_000);
    return s;
  };
}
