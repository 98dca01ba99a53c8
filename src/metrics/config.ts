import { z } from 'zod';

/**
 * Settings of the health and metrics endpoint (`metrics:` in the config file; `--metrics` wins).
 * Off unless `listen` is set. Part of src/config/schema.ts as `metrics:`.
 */
export const metricsSchema = z.strictObject({
  /** `host:port` or `[v6]:port` to serve /healthz and /metrics on; unset = no endpoint */
  listen: z.string().min(1).max(300).optional(),
});

/** Validated metrics settings. */
export type MetricsConfig = z.infer<typeof metricsSchema>;

/** A parsed listen address. */
export interface ListenAddress {
  readonly host: string;
  /** 0 = any free port (the bound port is printed at start-up) */
  readonly port: number;
}

/** Parses `127.0.0.1:9108`, `[::1]:9108` or `:9108` (= 127.0.0.1); null when malformed. */
export function parseListen(s: string): ListenAddress | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(s);
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65_535) return null;
  const host = m[1] ?? (m[2] === undefined || m[2] === '' ? '127.0.0.1' : m[2]);
  return { host, port };
}
