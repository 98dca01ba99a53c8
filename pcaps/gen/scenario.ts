/**
 * A scenario is one capture's story: it writes frames into a Capture and says what a detector must
 * conclude. `renderScenario` turns it into file bytes and the expected.json document, counting every
 * number from the records it wrote.
 */
import { tallyFlows, createCapture, type Capture, type FrameRecord } from './capture.js';
import type { ExpectedAlert, ExpectedCapture, ExpectedFlow, ExpectedRule } from './expected.js';
import type { TechniqueId } from '../../src/core/types.js';
import { BULK_SNAPLEN } from './common.js';
import { encodePcap, PCAP_HEADER_BYTES, PCAP_RECORD_HEADER_BYTES } from './pcap-writer.js';
import { encodePcapng, type PcapngInterface } from './pcapng-writer.js';
import { seedFromString } from './prng.js';

/** Bumped whenever the generator would write different bytes. */
export const GENERATOR_VERSION = 1;
/** Name written into expected.json and the pcapng section header. */
export const GENERATOR_NAME = 'exfilwatch-pcaps';

/** An alert the scenario expects; byte totals are filled in from the flows to `ips`. */
export interface AlertSpec {
  readonly rule: ExpectedRule;
  readonly technique: TechniqueId;
  readonly sourceIp: string;
  readonly service: string;
  readonly ips: readonly string[];
  readonly domain?: string;
  readonly asNumber?: number;
  readonly port?: number;
}

/** What a scenario's build returns besides the frames. */
export interface ScenarioResult {
  readonly alerts: readonly AlertSpec[];
  readonly suppressed?: readonly (AlertSpec & { readonly allowlist: { readonly sourceIp: string; readonly service: string } })[];
  readonly notes: readonly string[];
  /** TCP analysis flags tshark should raise on purpose */
  readonly expectedTcpAnalysisFlags?: number;
}

/** One capture to generate. */
export interface Scenario {
  /** file name, e.g. `mega-upload-rclone.pcap` */
  readonly file: string;
  readonly description: string;
  /** pcapng interfaces; classic pcap (Ethernet) when absent */
  readonly pcapng?: readonly PcapngInterface[];
  /** cut the file in the middle of the record at this fraction of the records (0..1) */
  readonly cutAtFraction?: number;
  build(cap: Capture): ScenarioResult;
}

/** The rendered capture. */
export interface RenderedScenario {
  readonly bytes: Buffer;
  readonly expected: ExpectedCapture;
}

function alertOf(spec: AlertSpec, flows: readonly ExpectedFlow[]): ExpectedAlert {
  const mine = flows.filter((f) => f.origIp === spec.sourceIp && spec.ips.includes(f.respIp));
  return {
    rule: spec.rule, technique: spec.technique, sourceIp: spec.sourceIp,
    destination: {
      service: spec.service, ips: [...spec.ips],
      ...(spec.domain === undefined ? {} : { domain: spec.domain }),
      ...(spec.asNumber === undefined ? {} : { asNumber: spec.asNumber }),
      ...(spec.port === undefined ? {} : { port: spec.port }),
    },
    bytesOut: mine.reduce((n, f) => n + f.origBytes, 0),
    bytesIn: mine.reduce((n, f) => n + f.respBytes, 0),
  };
}

/** Generates one scenario: deterministic for a given file name and generator version. */
export function renderScenario(sc: Scenario): RenderedScenario {
  const seed = seedFromString(`${sc.file}#${GENERATOR_VERSION}`);
  const cap = createCapture(seed);
  const result = sc.build(cap);
  const all = cap.records();
  let bytes: Buffer;
  let kept: FrameRecord[] = all;
  let truncation: ExpectedCapture['truncation'];
  const linkTypes = sc.pcapng ? sc.pcapng.map((i) => i.linkType) : [1];
  if (sc.pcapng) {
    bytes = encodePcapng(sc.pcapng, all, `${GENERATOR_NAME} v${GENERATOR_VERSION}`);
  } else {
    bytes = encodePcap(all, 1);
    if (sc.cutAtFraction !== undefined) {
      const k = Math.floor(all.length * sc.cutAtFraction);
      let off = PCAP_HEADER_BYTES;
      for (const r of all.slice(0, k)) off += PCAP_RECORD_HEADER_BYTES + r.frame.data.length;
      const cutRecord = all[k];
      if (cutRecord === undefined) throw new Error('cut past the last record');
      const cut = off + PCAP_RECORD_HEADER_BYTES + Math.floor(cutRecord.frame.data.length / 2);
      bytes = bytes.subarray(0, cut);
      kept = all.slice(0, k);
      truncation = { completePackets: k, cutRecordOffset: off, fileBytes: cut };
    }
  }
  const flows = tallyFlows(kept);
  const first = kept[0];
  const last = kept[kept.length - 1];
  const expected: ExpectedCapture = {
    generator: { name: GENERATOR_NAME, version: GENERATOR_VERSION, seed },
    file: sc.file,
    format: sc.pcapng ? 'pcapng' : 'pcap',
    description: sc.description,
    linkTypes,
    packets: kept.length,
    slicedPackets: kept.filter((r) => r.frame.data.length < r.frame.origLen).length,
    bulkSnapLen: BULK_SNAPLEN,
    fileBytes: bytes.length,
    start: first?.ts ?? 0,
    end: last?.ts ?? 0,
    flows,
    dns: cap.facts.dns,
    tls: cap.facts.tls,
    http: cap.facts.http,
    ftp: cap.facts.ftp,
    alerts: result.alerts.map((a) => alertOf(a, flows)),
    ...(result.suppressed ? { suppressed: result.suppressed.map((s) => ({ ...alertOf(s, flows), allowlist: s.allowlist })) } : {}),
    ...(truncation ? { truncation } : {}),
    expectedTcpAnalysisFlags: result.expectedTcpAnalysisFlags ?? 0,
    notes: result.notes,
  };
  return { bytes, expected };
}
