/**
 * Building blocks the scenarios share: the fixed clock, hosts and MAC addresses, ephemeral ports,
 * TLS and HTTP exchanges on a TcpSession that also record what a sensor must report.
 */
import type { Capture } from './capture.js';
import { dnsOverUdp, type DnsRecordSpec } from './dns.js';
import type { ExpectedHttp } from './expected.js';
import { openTcpSession, type TcpSession, type TcpSessionOptions } from './tcp-session.js';
import { buildClientHello, clientFinished, pushAppData, pushServerFlight, type ClientHelloOptions } from './tls.js';

/** 2026-11-02T09:00:00Z in µs: every capture starts from here unless its story says otherwise. */
export const T0 = Date.UTC(2026, 10, 2, 9, 0, 0) * 1000;
/** µs per second and per millisecond. */
export const SEC = 1_000_000;
export const MS = 1_000;
/** bytes of a bulk frame the captures keep (Ethernet + IPv4 + TCP with timestamps = 66, then 30 payload bytes) */
export const BULK_SNAPLEN = 96;
/** MAC of the default gateway every internal host talks through */
export const GATEWAY_MAC = '00:1c:73:5a:10:01';
/** a well-formed MAC for an internal host, from its last address byte */
export function hostMac(n: number): string {
  return `3c:ec:ef:12:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
}

/** Hands out ephemeral ports the way Linux does: from a random start, increasing. */
export function portAllocator(cap: Capture): () => number {
  let next = cap.rng.int(33000, 58000);
  return () => {
    next += cap.rng.int(1, 7);
    if (next > 60999) next = 32768 + (next % 1000);
    return next;
  };
}

/** Options for a TLS connection on top of a TCP session. */
export interface TlsOptions extends ClientHelloOptions {
  /** encrypted server handshake bytes (certificates etc.) */
  readonly serverHandshakeBytes?: number;
}

/** Opens TCP, runs a TLS 1.3 handshake and records the ClientHello fact. */
export function openTls(cap: Capture, tcp: TcpSessionOptions, tls: TlsOptions): TcpSession {
  const s = openTcpSession(cap, tcp);
  s.send('c', buildClientHello(cap.rng, tls));
  pushServerFlight(s.stream('s'), cap.rng, tls.serverHandshakeBytes ?? 4200);
  s.send('s', s.stream('s').remaining, { delayUs: 2 * MS });
  s.send('c', clientFinished(cap.rng));
  cap.facts.tls.push({
    clientIp: tcp.client.ip, serverIp: tcp.server.ip, serverPort: tcp.server.port,
    ...(tls.sni === undefined ? {} : { sni: tls.sni }), alpn: [...tls.alpn], version: '1.3', grease: tls.profile === 'chrome',
  });
  return s;
}

/** Sends `n` plaintext bytes as TLS application data from one side (bulk: only the first segment kept whole). */
export function tlsSend(s: TcpSession, side: 'c' | 's', n: number, delayUs?: number, bulk = true): void {
  const wire = pushAppData(s.stream(side), n);
  s.send(side, wire, { ...(delayUs === undefined ? {} : { delayUs }), ...(bulk ? { keepWhole: 1 } : {}) });
}

/** An HTTP/1.1 request to write. */
export interface HttpRequestSpec {
  readonly method: string;
  readonly target: string;
  readonly host: string;
  /** header lines after Host, in order, without CRLF */
  readonly headers: readonly string[];
  readonly bodyBytes: number;
  readonly response: { readonly code: number; readonly reason: string; readonly headers: readonly string[]; readonly body: string };
  /** server think time before the response, µs */
  readonly serverDelayUs: number;
  readonly userAgent: string;
  /** send `Expect: 100-continue` and wait for the interim response before the body */
  readonly expectContinue?: boolean;
}

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** Writes one HTTP request (header segment whole, body segments cut) and its response; records the fact. */
export function httpExchange(cap: Capture, s: TcpSession, tcp: TcpSessionOptions, r: HttpRequestSpec, delayUs?: number): void {
  const head = [`${r.method} ${r.target} HTTP/1.1`, `Host: ${r.host}`, ...r.headers, '', ''].join('\r\n');
  const cs = s.stream('c');
  cs.pushBytes(enc(head));
  const opts = delayUs === undefined ? {} : { delayUs };
  if (r.expectContinue === true) {
    s.send('c', head.length, opts);
    s.send('s', enc('HTTP/1.1 100 Continue\r\n\r\n'), { delayUs: 1 * MS });
    cs.pushRandom(r.bodyBytes);
    s.send('c', r.bodyBytes, { keepWhole: 1 });
  } else {
    cs.pushRandom(r.bodyBytes);
    s.send('c', head.length + r.bodyBytes, { ...opts, keepWhole: head.length });
  }
  const resp = [`HTTP/1.1 ${r.response.code} ${r.response.reason}`, ...r.response.headers, `Content-Length: ${r.response.body.length}`, '', r.response.body].join('\r\n');
  s.send('s', enc(resp), { delayUs: r.serverDelayUs });
  const fact: ExpectedHttp = {
    clientIp: tcp.client.ip, serverIp: tcp.server.ip, serverPort: tcp.server.port, method: r.method, host: r.host,
    target: r.target, userAgent: r.userAgent, contentLength: r.bodyBytes, responseCode: r.response.code,
  };
  cap.facts.http.push(fact);
}

/** An internal host: address, MAC, its ephemeral ports and DNS ids, its resolver. */
export interface Client {
  readonly ip: string;
  readonly mac: string;
  readonly resolver: string;
  readonly port: () => number;
  readonly dnsId: () => number;
}

/** Creates an internal IPv4 host (MAC derived from the last two address bytes). */
export function client(cap: Capture, ip: string, resolver = '10.20.0.2'): Client {
  const b = ip.split('.').map(Number);
  return { ip, mac: hostMac(((b[2] ?? 0) << 8) | (b[3] ?? 0)), resolver, port: portAllocator(cap), dnsId: () => cap.rng.int(1, 0xffff) };
}

/** Resolves `name` (type A) over UDP; `answer` is one address or a full answer list. Returns the answer time. */
export function resolve(cap: Capture, c: Client, name: string, answer: string | readonly DnsRecordSpec[], at: number, ttl = 60): number {
  const answers = typeof answer === 'string' ? [{ name, type: 'A' as const, ttl, data: answer }] : answer;
  return dnsOverUdp(cap, { id: c.dnsId(), name, type: 'A', answers }, {
    clientIp: c.ip, clientMac: c.mac, clientPort: c.port(), resolverIp: c.resolver, resolverMac: GATEWAY_MAC, at, rttUs: cap.rng.int(800, 2500),
  });
}

/** TCP options for a connection from `c` (new ephemeral port) to ip:port through the gateway. */
export function tcpTo(c: Client, ip: string, port: number, start: number, rttUs: number, upBps: number, downBps: number, extra: Partial<TcpSessionOptions> = {}): TcpSessionOptions {
  return { client: { ip: c.ip, port: c.port(), mac: c.mac }, server: { ip, port, mac: GATEWAY_MAC }, start, rttUs, upBps, downBps, snapLen: BULK_SNAPLEN, ...extra };
}

/** Bytes of ASCII/Latin-1 text. */
export function text(s: string): Uint8Array {
  return enc(s);
}
