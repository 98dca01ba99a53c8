import { z } from 'zod';

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

export const configSchema = z.strictObject({
  /** observer.name on every event and the syslog HOSTNAME */
  observer_name: z.string().min(1).max(255).default('exfilwatch'),
  flow: flowSchema.prefault({}),
  decode: decodeSchema.prefault({}),
  /** how long the end of a run waits for outputs to deliver, seconds */
  close_timeout: seconds.default(10),
});

export type Config = z.infer<typeof configSchema>;
