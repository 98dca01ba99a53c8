/**
 * Test B and C: capture on the loopback interface while the test makes real TCP and DNS traffic to
 * 127.0.0.1; the flows and DNS answers must appear, and /metrics must show the packets during the run.
 */
import { createSocket } from 'node:dgram';
import { createServer, connect, type AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, parseLines, startLive, type LiveRun } from '../helpers/live-cli.js';

const QUERY_NAME = 'upload.userstorage.mega.co.nz';

// A tiny DNS responder on 127.0.0.1:53 (the DNS observer watches port 53): answers every A query with 192.0.2.7.
async function dnsResponder(): Promise<{ port: number; close(): void }> {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const answer = dnsPacket.encode({
      type: 'response', id: q.id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
      questions: q.questions ?? [],
      answers: (q.questions ?? []).map((x) => ({ type: 'A' as const, name: x.name, ttl: 60, data: '192.0.2.7' })),
    });
    sock.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((res, rej) => {
    sock.once('error', (e) => rej(new Error(`cannot bind the test DNS responder to 127.0.0.1:53: ${e.message}`)));
    sock.bind(53, '127.0.0.1', res);
  });
  return { port: (sock.address() as AddressInfo).port, close: () => sock.close() };
}

async function dnsQuery(port: number, id: number): Promise<void> {
  const sock = createSocket('udp4');
  const done = new Promise<void>((res) => sock.once('message', () => res()));
  sock.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: QUERY_NAME }] }), port, '127.0.0.1');
  await done;
  sock.close();
}

// One TCP connection that uploads `bytes` and gets a short reply, closed from both sides.
async function tcpUpload(bytes: number): Promise<number> {
  const server = createServer((s) => {
    s.on('data', () => undefined);
    s.on('end', () => s.end('ok'));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((res, rej) => {
    const c = connect(port, '127.0.0.1', () => c.end(Buffer.alloc(bytes, 0x61)));
    c.on('data', () => undefined);
    c.on('close', () => res());
    c.on('error', rej);
  });
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

describe('exfilwatch live on the loopback interface', () => {
  let live: LiveRun;
  let dns: { port: number; close(): void };
  beforeAll(async () => {
    ensureBuilt();
    dns = await dnsResponder();
  });
  afterAll(async () => {
    dns.close();
    await live?.stop();
  });

  it('reports the TCP flow and the DNS answer it saw, and serves /metrics while capturing', async () => {
    live = startLive(['-i', 'lo', '--bpf', `udp port ${dns.port} or tcp`, '--metrics', '127.0.0.1:0', '--stats-interval', '0']);
    const { metricsUrl } = await live.ready;
    expect(metricsUrl).toBeDefined();
    const tcpPort = await tcpUpload(200_000);
    // SIGHUP reloads (or says it cannot) without stopping capture or losing flows
    live.child.kill('SIGHUP');
    for (let i = 0; i < 100 && !live.stderr().includes('SIGHUP'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(live.stderr()).toMatch(/SIGHUP: .*flow state kept/);
    for (let id = 1; id <= 3; id++) await dnsQuery(dns.port, id);

    // Test C: the endpoint answers during the run with non-zero packet counters and a drops line.
    const health = await fetch(`${metricsUrl}/healthz`);
    expect(health.status).toBe(200);
    const h = (await health.json()) as Record<string, unknown>;
    expect(h).toMatchObject({ status: 'ok', interface: 'lo', dropped: 0, ifDropped: 0 });
    const text = await (await fetch(`${metricsUrl}/metrics`)).text();
    const packets = Number(/^exfilwatch_packets_total (\d+)$/m.exec(text)?.[1]);
    expect(packets).toBeGreaterThan(10);
    expect(Number(/^exfilwatch_capture_received_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(10);
    expect(text).toMatch(/^exfilwatch_drops_total\{source="interface"\} \d+$/m);
    // pcap_stats: the kernel figure is measured, so it is reported as a number
    expect(text).toMatch(/^exfilwatch_drops_total\{source="kernel"\} 0$/m);
    expect(text).toMatch(/^exfilwatch_capture_kernel_drops_measured 1$/m);
    expect(text).toMatch(/^exfilwatch_drops_total\{source="output_queue"\} 0$/m);

    expect(await live.stop()).toBe(0);
    const events = parseLines(live.stdout());
    const flow = events.find((e) => {
      const d = e['destination'] as { port?: number } | undefined;
      return (e['event'] as { dataset: string }).dataset === 'exfilwatch.flow' && d?.port === tcpPort;
    }) as { source: { bytes: number }; network: { transport: string } } | undefined;
    expect(flow?.network.transport).toBe('tcp');
    // 200,000 payload bytes plus headers went from the client to the server
    expect(flow?.source.bytes).toBeGreaterThan(200_000);
    const answers = events.filter((e) => (e['event'] as { dataset: string }).dataset === 'exfilwatch.dns') as { dns: { question: { name: string }; answers?: { data: string }[] } }[];
    expect(answers).toHaveLength(3);
    for (const a of answers) {
      expect(a.dns.question.name).toBe(QUERY_NAME);
      expect(a.dns.answers?.[0]?.data).toBe('192.0.2.7');
    }
    expect(live.stderr()).toMatch(/live lo: \d+ packets/);
    expect(live.stderr()).toMatch(/received \d+, kernel drops \d+, interface drops \d+,/);
  });
});
