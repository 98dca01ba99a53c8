import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';

/** Best-effort UDP (RFC 5426): no queue beyond `maxPending` sends in flight, no retry, no order. */
export interface UdpTransport {
  send(msg: Buffer): void;
  close(timeoutMs: number): Promise<void>;
  sent(): number;
  pending(): number;
}

/**
 * A UDP sender. Each message is one datagram. Sends in flight are bounded by `maxPending`; past it a
 * message is dropped (`queue_full`); a failed send counts `udp_error`. Nothing tells UDP whether the
 * receiver got it: `sent` means handed to the kernel.
 */
export function createUdpTransport(host: string, port: number, maxPending: number, onDrop: (reason: string, n: number) => void): UdpTransport {
  const sock: Socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  sock.on('error', () => onDrop('udp_error', 0));
  let pending = 0;
  let sent = 0;
  let closed = false;
  let idle: (() => void) | undefined;
  return {
    send(msg) {
      if (closed) { onDrop('closed', 1); return; }
      if (pending >= maxPending) { onDrop('queue_full', 1); return; }
      pending++;
      sock.send(msg, port, host, (err) => {
        pending--;
        if (err) onDrop('udp_error', 1); else sent++;
        if (pending === 0) idle?.();
      });
    },
    async close(timeoutMs) {
      closed = true;
      if (pending > 0) await new Promise<void>((r) => { const t = setTimeout(r, timeoutMs); idle = () => { clearTimeout(t); r(); }; });
      await new Promise<void>((r) => { try { sock.close(() => r()); } catch { r(); } });
    },
    sent: () => sent,
    pending: () => pending,
  };
}
