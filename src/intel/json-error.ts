/**
 * Finds where JSON text stops being valid, for error messages (Node 20's JSON.parse message has no
 * position for many errors and echoes the input, which may be megabytes). Only called after JSON.parse
 * failed, so speed does not matter; depth is bounded so hostile nesting cannot overflow the stack.
 */

const MAX_DEPTH = 512;

/** 1-based line and a short reason for the first syntax error in `text`. */
export function jsonErrorAt(text: string): { line: number; reason: string } {
  let i = 0;
  const fail = (reason: string): never => {
    throw { at: i, reason };
  };
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i] ?? '')) i++;
  };
  const str = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') i++;
      else if ((c ?? '').charCodeAt(0) < 0x20) fail('control character in string');
      i++;
    }
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail('expected a "key"');
          str();
          ws();
          if (text[i] !== ':') fail("expected ':'");
          i++;
        }
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail(`expected ',' or '${close}'`);
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail(i >= text.length ? 'unexpected end' : `unexpected '${(c ?? '').slice(0, 1)}'`);
    i += m?.[0].length ?? 0;
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('text after the JSON value');
    return { line: 0, reason: 'invalid JSON' };
  } catch (e) {
    const { at, reason } = e as { at: number; reason: string };
    let line = 1;
    for (let k = text.indexOf('\n'); k >= 0 && k < at; k = text.indexOf('\n', k + 1)) line++;
    return { line, reason };
  }
}
