import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';

export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly error: string };

/** Validates a parsed config object; errors name the file and the key path. */
export function parseConfig(raw: unknown, source: string): ConfigResult {
  const r = configSchema.safeParse(raw ?? {});
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, error: formatIssues(r.error.issues, source) };
}

/** Reads and validates a YAML (or JSON) config file; never throws. */
export function loadConfigFile(path: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'read error';
    return { ok: false, error: `${path}: cannot read config (${code})` };
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ok: false, error: `${path}: not valid YAML: ${msg}` };
  }
  return parseConfig(raw, path);
}

function formatIssues(issues: readonly z.core.$ZodIssue[], source: string): string {
  return issues
    .slice(0, 10)
    .map((i) => `${source}: ${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('\n');
}
