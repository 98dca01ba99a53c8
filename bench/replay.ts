/**
 * Replay benchmark: exfilwatch against tcpdump, tshark and argus on one realistic ~1 GB capture, in the
 * same run. Each command runs 3 times (median) under /usr/bin/time; CPU is user + sys of the child.
 *
 *   npm run bench                 # ~1 GB mix in bench/data/mix-1g.pcap (generated if absent)
 *   npm run bench -- --quick      # ~100 MB mix, for a smoke run
 *   npm run bench -- --file F     # any classic pcap
 *   options: --runs N (default 3), --no-tshark, --json OUT (write the results as JSON)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMix, type MixStats } from './gen-mix.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const value = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const runs = Number(value('--runs') ?? 3);
const SEED = 0x6d1c;

/** One measured run of a command. */
interface Sample {
  readonly cpu: number;
  readonly wall: number;
  readonly rssMb: number;
  readonly exit: number;
}

/** Median figures of one tool. */
interface Row {
  readonly tool: string;
  readonly command: string;
  readonly cpu: number;
  readonly wall: number;
  readonly rssMb: number;
  readonly failed: boolean;
}

function ensureCapture(): { file: string; stats?: MixStats } {
  const given = value('--file');
  if (given !== undefined) return { file: given };
  const dir = join(root, 'bench', 'data');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, quick ? 'mix-100m.pcap' : 'mix-1g.pcap');
  const meta = `${file}.json`;
  if (existsSync(file) && existsSync(meta)) return { file, stats: JSON.parse(readFileSync(meta, 'utf8')) as MixStats };
  process.stdout.write(`generating ${file} …\n`);
  const t0 = process.hrtime.bigint();
  const stats = generateMix(file, { targetBytes: quick ? 100e6 : 1e9, seed: SEED });
  writeFileSync(meta, `${JSON.stringify(stats, null, 2)}\n`);
  process.stdout.write(`  ${(stats.bytes / 1e6).toFixed(0)} MB, ${stats.packets} packets in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s\n`);
  return { file, stats };
}

// counts records by walking the classic pcap record headers (for --file captures without a sidecar)
function countPackets(file: string): number {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(16);
  let off = 24;
  let n = 0;
  const size = statSync(file).size;
  const le = (() => {
    readSync(fd, head, 0, 4, 0);
    return head.readUInt32LE(0) === 0xa1b2c3d4 || head.readUInt32LE(0) === 0xa1b23c4d;
  })();
  while (off + 16 <= size) {
    readSync(fd, head, 0, 16, off);
    off += 16 + (le ? head.readUInt32LE(8) : head.readUInt32BE(8));
    n++;
  }
  closeSync(fd);
  return n;
}

function runOnce(cmd: string, argv: readonly string[]): Sample {
  const out = join(tmpdir(), `exfilwatch-bench-${process.pid}.time`);
  const r = spawnSync('/usr/bin/time', ['-o', out, '-f', '%U %S %e %M', cmd, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], cwd: root, maxBuffer: 64 << 20 });
  const text = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').pop() ?? '' : '';
  rmSync(out, { force: true });
  const [u = NaN, s = NaN, e = NaN, m = NaN] = text.split(' ').map(Number);
  return { cpu: u + s, wall: e, rssMb: m / 1024, exit: r.status ?? -1 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function measure(tool: string, cmd: string, argv: readonly string[]): Row {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(runOnce(cmd, argv));
  const failed = samples.some((s) => s.exit !== 0);
  const row = { tool, command: [cmd, ...argv].join(' '), cpu: median(samples.map((s) => s.cpu)), wall: median(samples.map((s) => s.wall)), rssMb: median(samples.map((s) => s.rssMb)), failed };
  process.stdout.write(`  ${tool.padEnd(26)} cpu ${samples.map((s) => s.cpu.toFixed(2)).join(' ')}  wall ${samples.map((s) => s.wall.toFixed(2)).join(' ')}${failed ? '  (non-zero exit)' : ''}\n`);
  return row;
}

function build(): void {
  process.stdout.write('building (npx tsc -p .) …\n');
  const r = spawnSync('npx', ['tsc', '-p', '.'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  // tsc still emits when files others are editing have type errors; only a missing entry point stops us
  if (r.status !== 0) process.stdout.write(`  tsc reported errors (emitted anyway):\n${(r.stdout + r.stderr).split('\n').slice(0, 5).map((l) => `    ${l}`).join('\n')}\n`);
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/cli/main.js missing after tsc');
}

const { file, stats } = ensureCapture();
const bytes = statSync(file).size;
const packets = stats?.packets ?? countPackets(file);
if (!flag('--no-build')) build();
process.stdout.write(`\n${file}: ${(bytes / 1e6).toFixed(1)} MB, ${packets} packets, mean frame ${stats ? (stats.frameBytes / stats.packets).toFixed(0) : '?'} B; ${runs} runs each, median\n`);
process.stdout.write(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
// warm the page cache so the first tool does not pay for the disk
spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'] });

const node = process.execPath;
const rows: Row[] = [
  measure('exfilwatch replay', node, ['bin/exfilwatch.js', 'replay', '-q', '--no-progress', file]),
  measure('exfilwatch --alerts-only', node, ['bin/exfilwatch.js', 'replay', '-q', '--no-progress', '--alerts-only', file]),
  measure('tcpdump -w /dev/null', 'tcpdump', ['-r', file, '-w', '/dev/null']),
  measure('argus -w /dev/null', 'argus', ['-r', file, '-w', '/dev/null']),
  ...(flag('--no-tshark') ? [] : [measure('tshark -z conv,tcp', 'tshark', ['-r', file, '-q', '-z', 'conv,tcp'])]),
];
const ref = rows[0]!;
const pad = (s: string, n: number): string => s.padStart(n);
const lines = [
  '| tool | CPU s | wall s | M packets/s (wall) | Gbit/s (wall) | peak RSS MB | CPU vs exfilwatch | wall vs exfilwatch |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.tool}${r.failed ? ' (failed)' : ''} | ${pad(r.cpu.toFixed(2), 6)} | ${pad(r.wall.toFixed(2), 6)} | ${(packets / r.wall / 1e6).toFixed(2)} | ${((bytes * 8) / r.wall / 1e9).toFixed(2)} | ${r.rssMb.toFixed(0)} | ${(r.cpu / ref.cpu).toFixed(2)}× | ${(r.wall / ref.wall).toFixed(2)}× |`),
];
process.stdout.write(`\n${lines.join('\n')}\n`);
process.stdout.write(`\nexfilwatch at ${(packets / ref.cpu / 1e6).toFixed(2)} M packets per CPU second; argus at ${(packets / (rows[3]?.cpu ?? NaN) / 1e6).toFixed(2)}.\n`);
const json = value('--json');
if (json !== undefined) writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), file, bytes, packets, runs, loadavg: loadavg(), node: process.version, rows }, null, 2)}\n`);
