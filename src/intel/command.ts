/**
 * `exfilwatch intel …` subcommands, for an analyst at the console:
 *   intel lookup IP|NAME… [--json] [--asn-db PATH] [--intel-dir DIR]   what every source says
 *   intel import-aws FILE [--intel-dir DIR]                               validate + replace aws-ip-ranges.json
 * Exit codes: 0 done, 1 a file or lookup failed (one line on stderr), 2 usage.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createIntel, type Intel } from './intel.js';
import { newParsedIp, parseIp } from './ip-parse.js';
import { defaultIntelDir, AWS_RANGES_JSON } from './paths.js';
import { parseAwsRanges } from './range-loaders.js';

/** Where the command writes; the CLI passes process streams, tests collect strings. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const USAGE = `usage: exfilwatch intel lookup IP|NAME... [--json] [--asn-db PATH] [--intel-dir DIR]
       exfilwatch intel import-aws FILE [--intel-dir DIR]
`;

interface Parsed {
  readonly positional: string[];
  readonly json: boolean;
  readonly asnDb?: string;
  readonly intelDir?: string;
}

function parseArgs(args: readonly string[]): Parsed | string {
  const positional: string[] = [];
  let json = false;
  let asnDb: string | undefined;
  let intelDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--json') json = true;
    else if (a === '--asn-db' || a === '--intel-dir') {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === '--asn-db') asnDb = v;
      else intelDir = v;
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else positional.push(a);
  }
  return { positional, json, ...(asnDb !== undefined ? { asnDb } : {}), ...(intelDir !== undefined ? { intelDir } : {}) };
}

/** Runs `intel <sub> …` (args exclude the word `intel`); resolves to the exit code. */
export async function runIntelCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const p = parseArgs(args);
  if (typeof p === 'string') {
    io.stderr(`exfilwatch intel: ${p}\n${USAGE}`);
    return 2;
  }
  const [sub, ...rest] = p.positional;
  if (sub === 'lookup' && rest.length > 0) return lookup(rest, p, io);
  if (sub === 'import-aws' && rest.length === 1 && rest[0]) return importAws(rest[0], p.intelDir ?? defaultIntelDir(), io);
  io.stderr(USAGE);
  return 2;
}

async function lookup(targets: readonly string[], p: Parsed, io: CommandIo): Promise<number> {
  const r = await createIntel({ asnDbPath: p.asnDb, intelDir: p.intelDir });
  if (!r.ok) {
    io.stderr(`exfilwatch intel: ${r.error}\n`);
    return 1;
  }
  const scratch = newParsedIp();
  for (const t of targets) {
    const report = parseIp(t, scratch) !== 0 ? r.intel.reportIp(t) : nameReport(r.intel, t);
    io.stdout(p.json ? `${JSON.stringify(report)}\n` : readable(report));
  }
  return 0;
}

function nameReport(intel: Intel, name: string): Record<string, unknown> {
  const m = intel.classifyDomain(name);
  return { name, ...(m ? { domain: m } : {}) };
}

function readable(report: object): string {
  const lines: string[] = [];
  const walk = (o: object, indent: string): void => {
    for (const [k, v] of Object.entries(o)) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        lines.push(`${indent}${k}:`);
        walk(v as object, `${indent}  `);
      } else {
        lines.push(`${indent}${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
      }
    }
  };
  walk(report, '');
  const head = 'ip' in report ? '' : '(no rule matches)\n';
  return `${lines.join('\n')}\n${lines.length === 1 ? head : ''}\n`;
}

async function importAws(file: string, intelDir: string, io: CommandIo): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    io.stderr(`exfilwatch intel: ${file}: cannot read (${(e as Error).message})\n`);
    return 1;
  }
  const loaded = parseAwsRanges(text, file);
  if (!loaded.ok) {
    io.stderr(`exfilwatch intel: ${loaded.error}\n`);
    return 1;
  }
  if (loaded.items.length === 0) {
    io.stderr(`exfilwatch intel: ${file}: no prefixes; refusing to replace the ranges with an empty file\n`);
    return 1;
  }
  const target = join(intelDir, AWS_RANGES_JSON);
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, target);
  } catch (e) {
    io.stderr(`exfilwatch intel: cannot write ${target} (${(e as Error).message})\n`);
    return 1;
  }
  const s3 = loaded.items.filter((i) => i.label.service === 'AWS S3').length;
  io.stdout(`imported ${loaded.note}, ${s3} of them S3, into ${target}\n`);
  return 0;
}
