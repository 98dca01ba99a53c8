import { z } from 'zod';
import { detectSchema } from '../detect/config.js';
import { captureSchema } from '../ingest/live-config.js';
import { allowlistSchema } from '../intel/allowlist.js';
import { metricsSchema } from '../metrics/config.js';
import { outputsSchema } from '../output/config.js';

/**
 * The one schema of every setting: file keys are snake_case like Zeek's and Suricata's, every bound has
 * its default here, unknown keys are rejected. Times are seconds unless the key says otherwise.
 */
const seconds = z.number().positive();
const count = z.number().int().positive();

export const flowSchema = z.strictObject({
  /** most flows in the table; the least recently active is evicted and reported beyond it */
  max_flows: count.default(262_144),
  idle_timeout: z.strictObject({
    tcp: seconds.default(300),
    udp: seconds.default(60),
    other: seconds.default(60),
  }).prefault({}),
  /** linger after FIN from both sides or RST, for the last ACKs */
  closed_timeout: seconds.default(5),
  /** long flows are reported this often (cumulative) and keep counting */
  active_timeout: seconds.default(300),
  /** out-of-order bytes buffered per TCP direction for the app observers */
  max_stream_buffer: count.default(65_536),
  /** FTP data connections announced and not yet seen */
  max_expectations: count.default(4_096),
  community_id_seed: z.number().int().min(0).max(65_535).default(0),
});

export const decodeSchema = z.strictObject({
  max_frag_datagrams: count.default(1_024),
  max_frag_datagram_bytes: count.default(65_535),
  max_fragments_per_datagram: count.default(256),
  frag_timeout: seconds.default(30),
});

export const intelSchema = z.strictObject({
  /** a GeoLite2-ASN / GeoIP2-ISP style .mmdb; its answers win over the embedded default */
  asn_db: z.string().min(1).optional(),
  /** folder of intel files (domains, ranges, ASN sources); the shipped intel/ when absent */
  dir: z.string().min(1).optional(),
  /** local networks (CIDRs) that decide network.direction; RFC 1918, RFC 4193, loopback, link-local, 100.64/10 when absent */
  local_nets: z.array(z.string()).min(1).optional(),
  /** named zones of internal sources, e.g. containers: [172.17.0.0/16, 10.244.0.0/16] */
  zones: z.record(z.string().min(1), z.array(z.string())).optional(),
  /** cached ASN answers per database */
  asn_cache_size: count.default(10_000),
});

/** `exfilwatch netflow`: listeners, exporters and the collector's bounds (flags win). */
export const netflowSchema = z.strictObject({
  /** udp://0.0.0.0:2055, udp://[::]:4739 … */
  listen: z.array(z.string().min(1)).min(1).default(['udp://0.0.0.0:2055']),
  /** socket receive buffer asked of the kernel, bytes (the kernel may grant less: net.core.rmem_max) */
  rcvbuf: count.default(32 * 1024 * 1024),
  /** exporter addresses allowed to send; datagrams from others are dropped and counted (empty = all) */
  exporters: z.array(z.string().min(1)).default([]),
  /** sampling rate (1 in N) per exporter address, when the exporter does not say it */
  sampling: z.record(z.string().min(1), z.number().int().positive()).default({}),
  max_templates: count.default(10_000),
  max_pending_records: count.default(200_000),
  /** two directions of a flow pair when their time spans are this close */
  pair_slack: seconds.default(5),
  /** an unpaired record waits this long (export time) for its reverse, then goes out one-sided */
  pair_hold: seconds.default(30),
});

export const configSchema = z.strictObject({
  /** observer.name on every event and the syslog HOSTNAME */
  observer_name: z.string().min(1).max(255).default('exfilwatch'),
  flow: flowSchema.prefault({}),
  decode: decodeSchema.prefault({}),
  intel: intelSchema.prefault({}),
  /** sanctioned sources, destinations and pairs (see README, "Allowlist") */
  allowlist: allowlistSchema,
  detect: detectSchema.prefault({}),
  /** live capture (`exfilwatch live`) */
  capture: captureSchema.prefault({}),
  /** the /healthz and /metrics endpoint (off unless listen is set) */
  metrics: metricsSchema.prefault({}),
  netflow: netflowSchema.prefault({}),
  /** where events go; JSON lines on standard output when absent */
  outputs: outputsSchema,
  /** how long the end of a run waits for outputs to deliver, seconds */
  close_timeout: seconds.default(10),
});

export type Config = z.infer<typeof configSchema>;
