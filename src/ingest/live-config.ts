import { z } from 'zod';

/**
 * Settings of live capture (`capture:` in the config file; the `live` flags override them). Sizes are
 * bytes, intervals seconds. Part of src/config/schema.ts as `capture:`.
 */
export const captureSchema = z.strictObject({
  /** interface to capture on (e.g. eth1, a SPAN port); the `--interface` flag wins */
  interface: z.string().min(1).max(64).optional(),
  /** BPF filter expression (tcpdump syntax); empty = every frame */
  bpf: z.string().max(4_096).default(''),
  /** bytes libpcap keeps of each frame (pcap_set_snaplen); the wire length is still reported */
  snaplen: z.number().int().min(64).max(65_535).default(65_535),
  /** kernel capture ring size, bytes (pcap_set_buffer_size; TPACKET_V3 blocks hold frames of any size) */
  buffer_size: z.number().int().min(1 << 20).max(2 ** 31 - 1).default(256 * 1024 * 1024),
  /** promiscuous mode (a SPAN or tap port carries frames for other hosts); `--no-promiscuous` turns it off */
  promiscuous: z.boolean().default(true),
  /** how often time is advanced when the interface is idle, so flows still expire */
  tick_interval: z.number().positive().max(60).default(1),
  /** how often the drop line is written to standard error (0 = only at shutdown) */
  stats_interval: z.number().min(0).max(86_400).default(60),
});

/** Validated live-capture settings. */
export type CaptureConfig = z.infer<typeof captureSchema>;
