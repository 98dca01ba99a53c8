/**
 * Test helper: reads a capture once with the real tshark and folds its per-frame fields into flows
 * and application facts, for comparison with a generator's expected.json.
 */
import { execFile } from 'node:child_process';

const FIELDS = [
  'frame.interface_id', 'frame.len', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'ip.len', 'ipv6.plen',
  'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'tcp.analysis.flags', '_ws.malformed', '_ws.expert.severity',
  'dns.qry.name', 'dns.flags.response', 'tls.handshake.extensions_server_name', 'http.request.method', 'http.host',
  'http.request.uri', 'http.user_agent', 'ftp.request.command', 'vlan.id', 'ieee8021ad.id',
] as const;

/** Wireshark's expert severity for errors (PI_ERROR). */
export const PI_ERROR = 0x00800000;

/** One flow as tshark's frames add up: a = the sender of its first frame. */
export interface TsharkFlow {
  key: string;
  aPackets: number;
  aIpBytes: number;
  aFrameBytes: number;
  bPackets: number;
  bIpBytes: number;
  bFrameBytes: number;
  vlan?: number;
}

/** What tshark saw in a capture. */
export interface TsharkSummary {
  frames: number;
  flows: Map<string, TsharkFlow>;
  malformed: number;
  errors: number;
  analysisFlags: number;
  dnsResponseNames: string[];
  snis: string[];
  http: string[];
  ftpCommands: string[];
  userAgents: string[];
  stderr: string;
}

/** Direction-free flow key: interface, transport, lower endpoint first. */
export function flowKey(iface: number, transport: string, a: string, aPort: number, b: string, bPort: number): string {
  const x = `${a}:${aPort}`;
  const y = `${b}:${bPort}`;
  return `${iface}|${transport}|${x < y ? `${x}|${y}` : `${y}|${x}`}`;
}

function run(file: string): Promise<{ stdout: string; stderr: string }> {
  const args = ['-n', '-r', file, '-o', 'http.desegment_body:FALSE', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const f of FIELDS) args.push('-e', f);
  return new Promise((resolve, reject) => {
    // a cut file makes tshark exit 2 after printing every complete record: keep its output
    execFile('tshark', args, { maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      if (err && stdout.length === 0) reject(err);
      else resolve({ stdout, stderr });
    });
  });
}

/** Runs tshark over `file` and sums it up. */
export async function summarize(file: string): Promise<TsharkSummary> {
  const { stdout, stderr } = await run(file);
  const s: TsharkSummary = { frames: 0, flows: new Map(), malformed: 0, errors: 0, analysisFlags: 0, dnsResponseNames: [], snis: [], http: [], ftpCommands: [], userAgents: [], stderr };
  const lines = stdout.split('\n');
  for (const line of lines) {
    if (line === '') continue;
    const v = line.split('\t');
    const f = (name: (typeof FIELDS)[number]): string => v[FIELDS.indexOf(name)] ?? '';
    s.frames++;
    if (f('_ws.malformed') !== '') s.malformed++;
    if (f('_ws.expert.severity').split(',').some((x) => Number(x) >= PI_ERROR)) s.errors++;
    if (f('tcp.analysis.flags') !== '') s.analysisFlags++;
    const v4 = f('ip.src') !== '';
    const src = v4 ? f('ip.src') : f('ipv6.src');
    const dst = v4 ? f('ip.dst') : f('ipv6.dst');
    const ipBytes = v4 ? Number(f('ip.len')) : Number(f('ipv6.plen')) + 40;
    const tcp = f('tcp.srcport') !== '';
    const sport = Number(tcp ? f('tcp.srcport') : f('udp.srcport'));
    const dport = Number(tcp ? f('tcp.dstport') : f('udp.dstport'));
    const iface = Number(f('frame.interface_id') || '0');
    const key = flowKey(iface, tcp ? 'tcp' : 'udp', src, sport, dst, dport);
    let flow = s.flows.get(key);
    if (flow === undefined) {
      flow = { key: `${src}:${sport}>${dst}:${dport}`, aPackets: 0, aIpBytes: 0, aFrameBytes: 0, bPackets: 0, bIpBytes: 0, bFrameBytes: 0 };
      // tshark names an 802.1ad (QinQ outer) tag ieee8021ad.id, an 802.1Q tag vlan.id
      const vlan = f('ieee8021ad.id') || f('vlan.id');
      if (vlan !== '') flow.vlan = Number(vlan.split(',')[0]);
      s.flows.set(key, flow);
    }
    if (flow.key.startsWith(`${src}:${sport}>`)) {
      flow.aPackets++;
      flow.aIpBytes += ipBytes;
      flow.aFrameBytes += Number(f('frame.len'));
    } else {
      flow.bPackets++;
      flow.bIpBytes += ipBytes;
      flow.bFrameBytes += Number(f('frame.len'));
    }
    const responses = f('dns.flags.response').split(',');
    const names = f('dns.qry.name').split(',');
    responses.forEach((r, i) => {
      if (r === '1' || r === 'True') s.dnsResponseNames.push(names[i] ?? '');
    });
    if (f('tls.handshake.extensions_server_name') !== '') s.snis.push(f('tls.handshake.extensions_server_name'));
    if (f('http.request.method') !== '') {
      s.http.push(`${f('http.request.method')} ${f('http.host')} ${f('http.request.uri')}`);
      s.userAgents.push(f('http.user_agent'));
    }
    if (f('ftp.request.command') !== '') s.ftpCommands.push(...f('ftp.request.command').split(','));
  }
  return s;
}
