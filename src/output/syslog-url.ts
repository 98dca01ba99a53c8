/** Where a syslog sink sends: transport, host and port. */
export interface SyslogTarget {
  readonly protocol: 'udp' | 'tcp' | 'tls';
  readonly host: string;
  readonly port: number;
}

/** Result of parsing a `--syslog` URL: the target, or a sentence saying what is wrong. */
export type SyslogUrlResult = { readonly ok: true; readonly target: SyslogTarget } | { readonly ok: false; readonly error: string };

/** Default ports: 514 for UDP and TCP (RFC 5426/6587 practice), 6514 for TLS (RFC 5425). */
export const DEFAULT_SYSLOG_PORTS = { udp: 514, tcp: 514, tls: 6514 } as const;

/**
 * Parses `udp://host:514`, `tcp://host:514`, `tls://host:6514` (port optional, IPv6 in brackets:
 * `tcp://[::1]:514`). Paths, queries, fragments and credentials are rejected.
 */
export function parseSyslogUrl(url: string): SyslogUrlResult {
  const bad = (why: string): SyslogUrlResult => ({ ok: false, error: `bad syslog URL ${JSON.stringify(url)}: ${why} (expected udp://host:514, tcp://host:514 or tls://host:6514)` });
  const m = /^([a-z]+):\/\//i.exec(url);
  if (!m) return bad('no scheme');
  const scheme = (m[1] ?? '').toLowerCase();
  if (scheme !== 'udp' && scheme !== 'tcp' && scheme !== 'tls') return bad(`unknown scheme ${scheme}`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return bad('not a URL');
  }
  if (u.username !== '' || u.password !== '') return bad('credentials are not allowed');
  if ((u.pathname !== '' && u.pathname !== '/') || u.search !== '' || u.hash !== '') return bad('path, query and fragment are not allowed');
  const host = u.hostname.startsWith('[') && u.hostname.endsWith(']') ? u.hostname.slice(1, -1) : u.hostname;
  if (host === '') return bad('no host');
  let port: number = DEFAULT_SYSLOG_PORTS[scheme];
  if (u.port !== '') {
    port = Number(u.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return bad('port out of range');
  } else if (/:\d*$/.test(url.replace(/\/$/, '')) && !url.includes(']')) {
    // `tcp://host:` parses with an empty port; treat it as a typo rather than the default
    return bad('port out of range');
  }
  return { ok: true, target: { protocol: scheme, host, port } };
}
