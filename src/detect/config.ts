import { z } from 'zod';

/**
 * Detection settings: every threshold and weight of the risk model, with its default.
 * Byte amounts are bytes (MB in the docs means 10^6 bytes); times are seconds.
 */
export const detectSchema = z.strictObject({
  /** sliding window per internal host and destination service */
  window: z.number().positive().default(3600),
  /** bytes out (in the window) below which no upload alert is raised; also the per-flow candidate floor */
  min_upload_bytes: z.number().int().positive().default(5_000_000),
  /** producer-consumer ratio (out-in)/(out+in) above which traffic counts as an upload */
  min_pcr: z.number().min(-1).max(1).default(0.6),
  /** PCR above which asymmetry adds its weight */
  strong_pcr: z.number().min(-1).max(1).default(0.9),
  /** volume tiers: the highest tier whose `bytes` the window's bytes out reach gives the base score */
  volume_tiers: z.array(z.strictObject({ bytes: z.number().int().positive(), score: z.number().int().min(0).max(100) })).min(1).default([
    { bytes: 5_000_000, score: 40 },
    { bytes: 50_000_000, score: 60 },
    { bytes: 100_000_000, score: 70 },
    { bytes: 1_000_000_000, score: 80 },
  ]),
  /** points added by each piece of evidence (see README, "Risk model") */
  weights: z.strictObject({
    cloud_storage: z.number().default(15),
    file_sharing: z.number().default(10),
    other_cloud: z.number().default(5),
    strong_asymmetry: z.number().default(5),
    dns_indicator: z.number().default(5),
    sni_upload_domain: z.number().default(5),
    http_upload: z.number().default(5),
    ftp_stor: z.number().default(5),
    rclone_user_agent: z.number().default(10),
    ja4_listed: z.number().default(3),
    container_source: z.number().default(5),
    first_seen: z.number().default(5),
    parallel: z.number().default(3),
  }).prefault({}),
  /** connections at once to one service that count as parallel transfers (rclone --transfers) */
  parallel_min: z.number().int().positive().default(3),
  /** an HTTP request body at least this large is upload evidence */
  http_upload_min_bytes: z.number().int().nonnegative().default(1_000_000),
  /** score of the DNS indicator alert (a client resolved an upload domain) */
  dns_indicator_score: z.number().int().min(0).max(100).default(25),
  /** what an allowlist match does to an alert: drop it, or lower its score by `allowlist_lower_by` */
  allowlist_action: z.enum(['suppress', 'lower']).default('suppress'),
  allowlist_lower_by: z.number().int().min(0).max(100).default(50),
  /** bounds */
  max_windows: z.number().int().positive().default(100_000),
  max_dns_entries: z.number().int().positive().default(200_000),
  max_flow_evidence: z.number().int().positive().default(100_000),
  max_seen_services: z.number().int().positive().default(200_000),
});

export type DetectConfig = z.infer<typeof detectSchema>;

/** The defaults, for tests and for callers without a config file. */
export const DEFAULT_DETECT_CONFIG: DetectConfig = detectSchema.parse({});
