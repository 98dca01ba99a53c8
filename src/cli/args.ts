import { parseArgs, type ParseArgsConfig } from 'node:util';


/** parseArgs that reports a usage error as a message instead of throwing. */
export function parseCli(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>): { ok: true; values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] } | { ok: false; error: string } {
  try {
    const r = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { ok: true, values: r.values as Record<string, string | boolean | string[] | boolean[] | undefined>, positionals: r.positionals };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** A string flag's value, if given. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable string flag's values. */
export function strs(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}
