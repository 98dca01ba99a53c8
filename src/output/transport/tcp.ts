import { connect, type Socket } from 'node:net';
import type { Connector } from './stream-delivery.js';

/** A connector for plain TCP (RFC 6587). Keep-alive and no Nagle delay for prompt alert delivery. */
export function tcpConnector(host: string, port: number): Connector {
  return (): Socket => {
    const s = connect({ host, port });
    s.setNoDelay(true);
    s.setKeepAlive(true, 30_000);
    return s;
  };
}
