/**
 * NetFlow/IPFIX collector benchmark (run on demand: `npx tsx bench/netflow.ts [records]`).
 *  1. decode + pair on one core, in process, over pre-encoded IPFIX datagrams (records/s);
 *  2. a bounded burst of the same datagrams sent on 127.0.0.1 by a separate process to our listener,
 *     then the same burst to nfcapd, in the same run: records received, kernel receive-buffer drops
 *     (/proc/net/udp drops column), CPU seconds of the receiver.
 * Scoring is not in this loop (detect/ is wired by the sensor); this measures the collector up to FlowRecord.
 */
import { spawn, fork, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCounters } from '../src/core/counters.js';
import { createCollector, listenUdp, readUdpDrops } from '../src/ingest/netflow/index.js';

const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const T0 = 1_700_000_000;
const PER_DATAGRAM = 30;

/** IPFIX datagrams carrying `records` records (both directions of records/2 TCP flows), template in each. */
function encode(records: number): Buffer[] {
  const tpl = [...u16(256), ...u16(8), ...u16(8), ...u16(4), ...u16(12), ...u16(4), ...u16(7), ...u16(2), ...u16(11), ...u16(2),
    ...u16(4), ...u16(1), ...u16(1), ...u16(8), ...u16(2), ...u16(4), ...u16(152), ...u16(8)];
  const tset = [...u16(2), ...u16(4 + tpl.length), ...tpl];
  const out: Buffer[] = [];
  for (let r = 0, seq = 0; r < records; ) {
    const recs: number[] = [];
    const n = Math.min(PER_DATAGRAM, records - r);
    for (let k = 0; k < n; k++, r++) {
      const flow = r >> 1;
      const a = [10, 0, (flow >> 8) & 0xff, flow & 0xff];
      const b = [203, 0, 113, 9];
      const fwd = (r & 1) === 0;
      const ms = (T0 + Math.floor(flow / 1000)) * 1000;
      recs.push(...(fwd ? a : b), ...(fwd ? b : a), ...u16(fwd ? 40000 + (flow % 20000) : 443), ...u16(fwd ? 443 : 40000 + (flow % 20000)), 6,
        ...u32(0), ...u32(fwd ? 150_000 : 9000), ...u32(fwd ? 110 : 60), ...u32(Math.floor(ms / 2 ** 32)), ...u32(ms >>> 0));
    }
    const dset = [...u16(256), ...u16(4 + recs.length), ...recs];
    const body = [...tset, ...dset];
    out.push(Buffer.from([...u16(10), ...u16(16 + body.length), ...u32(T0 + Math.floor(r / 2000)), ...u32(seq), ...u32(0), ...body]));
    seq += n;
  }
  return out;
}

async function sender(port: number, records: number): Promise<void> {
  const dgs = encode(records);
  const s = createSocket('udp4');
  let i = 0;
  while (i < dgs.length) {
    const batch = dgs.slice(i, i + 64);
    i += batch.length;
    await Promise.all(batch.map((d) => new Promise<void>((res) => s.send(d, port, '127.0.0.1', () => res()))));
  }
  s.close();
  process.send?.({ sent: dgs.length });
}

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) / 100;
}

function burst(port: number, records: number): Promise<number> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['send', String(port), String(records)]);
    let sent = 0;
    child.on('message', (m: { sent: number }) => { sent = m.sent; });
    child.on('exit', () => resolve(sent));
  });
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const records = Number(process.argv[2] ?? 600_000);
  const dgs = encode(records);
  // 1. one core, in process
  let flows = 0;
  const c1 = createCollector({}, () => { flows++; }, createCounters());
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  for (const d of dgs) c1.handleDatagram(d, { address: '127.0.0.1', port: 1 }, 0);
  c1.flush(Infinity);
  const wall = (performance.now() - w0) / 1000;
  const cpu = process.cpuUsage(t0);
  console.log(`decode+pair in process: ${records} records in ${dgs.length} datagrams, ${flows} flows, ` +
    `${wall.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU, ${Math.round(records / wall).toLocaleString('en')} records/s`);

  // 2a. our listener, burst from a separate process
  let got = 0;
  const counters2 = createCounters();
  const c2 = createCollector({}, () => {}, counters2);
  const l = await listenUdp(['udp://127.0.0.1:0'], { rcvbufBytes: 32 * 1024 * 1024, counters: counters2 }, (b, ex, at) => {
    c2.handleDatagram(b, ex, at); got++;
  });
  let peakQueue = 0;
  const sampler = setInterval(() => { peakQueue = Math.max(peakQueue, l.queued()); }, 5);
  const port = l.stats()[0]?.port ?? 0;
  const d0 = readUdpDrops(port, 4) ?? 0;
  const cpu0 = process.cpuUsage();
  const s0 = performance.now();
  const sent = await burst(port, records);
  for (let i = 0, last = -1; i < 200 && got !== last; i++) { last = got; await settle(50); }
  const ourCpu = process.cpuUsage(cpu0);
  const ourWall = (performance.now() - s0) / 1000;
  const ourDrops = (readUdpDrops(port, 4) ?? 0) - d0;
  clearInterval(sampler);
  const st = l.stats()[0];
  await l.close();
  console.log(`exfilwatch listener: sent ${sent} datagrams, read ${st?.datagrams}, decoded ${got}, kernel drops ${ourDrops}, ` +
    `queue evicted ${l.queueEvicted()} (peak queued ≥ ${peakQueue}), rcvbuf ${st?.rcvbufRequested} B asked, ${st?.rcvbufBytes} B granted, ` +
    `${((ourCpu.user + ourCpu.system) / 1e6).toFixed(2)} s CPU (incl. idle wait), ${c2.exporters()[0]?.records ?? 0} records (${ourWall.toFixed(2)} s wall incl. settle)`);

  // 2b. nfcapd on the same burst
  const dir = mkdtempSync(join(tmpdir(), 'nfcapd-bench-'));
  const nport = port + 1 > 65000 ? port - 1 : port + 1;
  const nf = spawn('nfcapd', ['-p', String(nport), '-b', '127.0.0.1', '-w', dir, '-B', String(32 * 1024 * 1024), '-t', '3600'], { stdio: 'ignore' });
  await settle(1000);
  const nd0 = readUdpDrops(nport, 4) ?? 0;
  const ncpu0 = cpuSeconds(nf.pid ?? 0);
  const nsent = await burst(nport, records);
  await settle(1500);
  const ncpu = cpuSeconds(nf.pid ?? 0) - ncpu0;
  const ndrops = (readUdpDrops(nport, 4) ?? 0) - nd0;
  nf.kill('SIGTERM');
  await new Promise((r) => nf.on('exit', r));
  let nrecords = 'unknown';
  try {
    const out = execFileSync('nfdump', ['-R', dir, '-q', '-o', 'csv', '-c', '100000000'], { maxBuffer: 1 << 30 }).toString();
    nrecords = String(out.split('\n').filter((x) => /^\d/.test(x)).length);
  } catch (e) { nrecords = `nfdump failed: ${(e as Error).message.split('\n')[0]}`; }
  rmSync(dir, { recursive: true, force: true });
  console.log(`nfcapd: sent ${nsent} datagrams, kernel drops ${ndrops}, ${ncpu.toFixed(2)} s CPU, ${nrecords} records stored`);
}

if (process.argv[2] === 'send') await sender(Number(process.argv[3]), Number(process.argv[4]));
else await main();
