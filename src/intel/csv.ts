/**
 * Minimal CSV reader for the shipped intel sources: one record per line, a header line naming the
 * columns, `"quoted, fields"` with `""` escapes, `#` comment lines and blank lines skipped. Errors name
 * the file and the 1-based line.
 */

/** One data row: its 1-based line number and cells by column name. */
export interface CsvRow {
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
}

export type CsvResult = { readonly ok: true; readonly rows: readonly CsvRow[] } | { readonly ok: false; readonly error: string };

/** Splits one CSV line into cells; returns a message on an unterminated quote. */
export function splitCsvLine(line: string): string[] | string {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line.charCodeAt(i) === 34) {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return 'unterminated quoted field';
        cell += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          cell += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < line.length && line[i] !== ',') return 'text after a closing quote';
    } else {
      const c = line.indexOf(',', i);
      cell = c < 0 ? line.slice(i) : line.slice(i, c);
      i = c < 0 ? line.length : c;
    }
    cells.push(cell.trim());
    if (i >= line.length) return cells;
    i++;
  }
}

/**
 * Parses CSV text whose header must contain every name in `required` (extra columns are kept).
 * @param file name used in error messages
 */
export function parseCsv(text: string, file: string, required: readonly string[]): CsvResult {
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  const rows: CsvRow[] = [];
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n] ?? '';
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = splitCsvLine(line);
    if (typeof cells === 'string') return { ok: false, error: `${file}:${n + 1}: ${cells}` };
    if (!header) {
      header = cells.map((c) => c.toLowerCase());
      const missing = required.filter((r) => !header?.includes(r));
      if (missing.length > 0) return { ok: false, error: `${file}:${n + 1}: header lacks column(s) ${missing.join(', ')}` };
      continue;
    }
    if (cells.length !== header.length) {
      return { ok: false, error: `${file}:${n + 1}: ${cells.length} fields, header has ${header.length}` };
    }
    const rec: Record<string, string> = {};
    header.forEach((h, i) => {
      rec[h] = cells[i] ?? '';
    });
    rows.push({ line: n + 1, cells: rec });
  }
  if (!header) return { ok: false, error: `${file}: empty (no header line)` };
  return { ok: true, rows };
}
