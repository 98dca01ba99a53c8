/** A CEF record parsed back: 7 header fields (unescaped) and the extension map (unescaped). */
export interface ParsedCef {
  readonly header: string[];
  readonly ext: Record<string, string>;
}

/** Parses `CEF:0|…|…|…|…|…|sev|ext` the way a SIEM does; undefined when it is not well formed. */
export function parseCef(line: string): ParsedCef | undefined {
  const start = line.indexOf('CEF:');
  if (start < 0) return undefined;
  const s = line.slice(start);
  const header: string[] = [];
  let cur = '';
  let i = 0;
  for (; i < s.length && header.length < 7; i++) {
    const c = s[i] as string;
    if (c === '\\' && (s[i + 1] === '|' || s[i + 1] === '\\')) { cur += s[i + 1]; i++; continue; }
    if (c === '|') { header.push(cur); cur = ''; continue; }
    cur += c;
  }
  if (header.length !== 7) return undefined;
  const rest = s.slice(i);
  // a key starts after a space (or at the beginning) and ends at an unescaped '='
  const ext: Record<string, string> = {};
  const keyRe = /(?:^| )([A-Za-z0-9_]+)=/g;
  const starts: { key: string; at: number; valueAt: number }[] = [];
  for (let m = keyRe.exec(rest); m !== null; m = keyRe.exec(rest)) {
    starts.push({ key: m[1] as string, at: m.index, valueAt: m.index + m[0].length });
  }
  for (let k = 0; k < starts.length; k++) {
    const st = starts[k] as { key: string; at: number; valueAt: number };
    const end = k + 1 < starts.length ? (starts[k + 1] as { at: number }).at : rest.length;
    const raw = rest.slice(st.valueAt, end);
    ext[st.key] = raw.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
  }
  return { header, ext };
}
