/**
 * The health and metrics HTTP endpoint: GET /healthz (JSON status) and GET /metrics (Prometheus text).
 * Off by default; it binds only where the operator says. Bounded: few connections, short timeouts,
 * requests bodies ignored.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { ListenAddress } from './config.js';

/** What /healthz reports. `ok` → 200, anything else → 503. */
export interface Health {
  readonly status: 'ok' | 'starting' | 'stopping';
  readonly [key: string]: unknown;
}

/** A listening endpoint. */
export interface MetricsServer {
  /** the bound address (the real port when 0 was asked) */
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Most concurrent connections (scrapers and health probes are few). */
export const MAX_CONNECTIONS = 16;

/** Starts the endpoint; resolves with an error message (never rejects) when it cannot bind. */
export function startMetricsServer(
  listen: ListenAddress,
  registry: Registry,
  health: () => Health,
): Promise<{ readonly ok: true; readonly server: MetricsServer } | { readonly ok: false; readonly message: string }> {
  const server = createServer((req, res) => void handle(req, res, registry, health));
  server.maxConnections = MAX_CONNECTIONS;
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, message: `cannot serve metrics on ${listen.host}:${listen.port}: ${e.code ?? e.message}` }));
    server.listen(listen.port, listen.host, () => {
      const a = server.address() as AddressInfo;
      resolve({
        ok: true,
        server: {
          host: a.address,
          port: a.port,
          close: () => new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
        },
      });
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, registry: Registry, health: () => Health): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain', 'method not allowed\n', req.method === 'HEAD');
  try {
    if (path === '/healthz') {
      const h = health();
      return reply(res, h.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(h) + '\n', req.method === 'HEAD');
    }
    if (path === '/metrics') return reply(res, 200, registry.contentType, await registry.metrics(), req.method === 'HEAD');
    return reply(res, 404, 'text/plain', 'not found: try /healthz or /metrics\n', req.method === 'HEAD');
  } catch (e) {
    // A provider bug must not take the endpoint (or the sensor) down.
    return reply(res, 500, 'text/plain', `metrics error: ${e instanceof Error ? e.message : String(e)}\n`, false);
  }
}

function reply(res: ServerResponse, status: number, type: string, body: string, headOnly: boolean): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(headOnly ? undefined : body);
}
