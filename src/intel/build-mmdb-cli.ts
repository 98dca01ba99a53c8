/**
 * Rebuilds intel/embedded-asn.mmdb from intel/asn-prefixes.csv:
 *   npx tsx src/intel/build-mmdb-cli.ts [INTEL_DIR]
 * Exit code 0 on success, 1 with one line on stderr naming the file and line of a bad row.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildAsnMmdb, parseAsnPrefixes } from './asn-source.js';
import { defaultIntelDir, EMBEDDED_MMDB, ASN_PREFIXES_CSV } from './paths.js';

/** Builds the embedded db in `intelDir`; returns an error message or undefined. */
export async function buildEmbeddedMmdb(intelDir: string): Promise<string | undefined> {
  const src = join(intelDir, ASN_PREFIXES_CSV);
  let text: string;
  try {
    text = await readFile(src, 'utf8');
  } catch {
    return `${src}: cannot read`;
  }
  const rows = parseAsnPrefixes(text, src);
  if (!rows.ok) return rows.error;
  await writeFile(join(intelDir, EMBEDDED_MMDB), buildAsnMmdb(rows.value));
  return undefined;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  const dir = process.argv[2] ?? defaultIntelDir();
  const err = await buildEmbeddedMmdb(dir);
  if (err) {
    process.stderr.write(`build-mmdb: ${err}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`build-mmdb: wrote ${join(dir, EMBEDDED_MMDB)}\n`);
  }
}
