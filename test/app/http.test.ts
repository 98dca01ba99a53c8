import { describe, expect, it } from 'vitest';
import { hostWithoutPort, looksLikeRequest } from '../../src/app/http-head.js';
import { createHttpObserver } from '../../src/app/http.js';
import type { HttpRequest } from '../../src/core/types.js';
import { ascii, endpoints, recorder } from './harness.js';

const reqs = (r: ReturnType<typeof recorder>): HttpRequest[] => r.events.flatMap((e) => (e.type === 'http' ? [e.http] : []));

describe('http request sniffing', () => {
  it('accepts known methods and well-formed unknown tokens only', () => {
    expect(looksLikeRequest(ascii('GET /'))).toBe(true);
    expect(looksLikeRequest(ascii('PROPFIND /dav HTTP/1.1\r\n'))).toBe(true);
    expect(looksLikeRequest(ascii('BPUT /x HTTP/1.1\r\nHost: a\r\n'))).toBe(true);
    expect(looksLikeRequest(ascii('BPUT /x\r\n'))).toBe(false); // unknown token needs ' HTTP/1.'
    expect(looksLikeRequest(ascii('get / HTTP/1.1\r\n'))).toBe(false);
    expect(looksLikeRequest(ascii('SSH-2.0-OpenSSH_9.2\r\n'))).toBe(false);
    expect(looksLikeRequest(ascii(`${'A'.repeat(21)} / HTTP/1.1\r\n`))).toBe(false);
  });

  it('strips the port from Host', () => {
    expect(hostWithoutPort('s3.amazonaws.com:8080')).toBe('s3.amazonaws.com');
    expect(hostWithoutPort('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(hostWithoutPort('example.com')).toBe('example.com');
  });
});

describe('http observer', () => {
  it('sees pipelined requests with Content-Length bodies, split anywhere', () => {
    const o = createHttpObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 80), r);
    const wire = ascii(
      'POST /a HTTP/1.1\r\nHost: up.example.com:8080\r\nUser-Agent: rclone/v1.66\r\nContent-Length: 5\r\n\r\nhello' +
      'GET /b HTTP/1.1\r\nHost: up.example.com\r\n\r\n' +
      'PUT /c HTTP/1.1\r\nHost: up.example.com\r\nContent-Length: 12\r\n\r\n0123456789ab',
    );
    // feed in 7-byte chunks, each with its own time
    for (let i = 0, t = 1; i < wire.length; i += 7, t++) expect(o.data(s, 'orig', wire.subarray(i, i + 7), t, false)).toBe(true);
    const got = reqs(r);
    expect(got.map((q) => [q.method, q.target, q.bodyBytes, q.contentLength])).toEqual([
      ['POST', '/a', 5, 5], ['GET', '/b', 0, undefined], ['PUT', '/c', 12, 12],
    ]);
    expect(got[0]).toMatchObject({ host: 'up.example.com:8080', userAgent: 'rclone/v1.66', version: 'HTTP/1.1', ts: 1 });
    expect(r.names).toEqual(['up.example.com']);
    o.close(s, 99);
    expect(reqs(r)).toHaveLength(3);
  });

  it('counts a chunked POST body and then sees the next request', () => {
    const o = createHttpObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 80), r);
    o.data(s, 'orig', ascii('POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'), 1, false);
    o.data(s, 'orig', ascii('a;ext=1\r\n0123456789\r\n1'), 2, false);
    o.data(s, 'orig', ascii('0\r\nABCDEFGHIJKLMNOP\r\n0\r\nX-Trailer: t\r\n'), 3, false);
    expect(reqs(r)).toHaveLength(0);
    o.data(s, 'orig', ascii('\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n'), 4, false);
    expect(reqs(r).map((q) => [q.method, q.bodyBytes])).toEqual([['POST', 26], ['GET', 0]]);
  });

  it('waits for the body of a PUT with Expect: 100-continue, and ends it when the server refuses', () => {
    const o = createHttpObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 80), r);
    o.data(s, 'orig', ascii('PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n'), 1, false);
    o.data(s, 'resp', ascii('HTTP/1.1 100 Continue\r\n\r\n'), 2, false);
    expect(reqs(r)).toHaveLength(0);
    o.data(s, 'orig', ascii('data'), 3, false);
    expect(reqs(r).map((q) => [q.method, q.bodyBytes])).toEqual([['PUT', 4]]);
    // second PUT: the server answers 417 at once, the client sends no body
    o.data(s, 'orig', ascii('PUT /g HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4000\r\n\r\n'), 4, false);
    o.data(s, 'resp', ascii('HTTP/1.1 417 Expectation Failed\r\n\r\n'), 5, false);
    o.data(s, 'orig', ascii('GET / HTTP/1.1\r\n\r\n'), 6, false);
    expect(reqs(r).map((q) => [q.target, q.bodyBytes])).toEqual([['/f', 4], ['/g', 0], ['/', 0]]);
  });

  it('emits an incomplete upload at close with the bytes seen', () => {
    const o = createHttpObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 80), r);
    o.data(s, 'orig', ascii('PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n'), 1, false);
    o.data(s, 'orig', Buffer.alloc(4096), 2, false);
    o.close(s, 3);
    expect(reqs(r).map((q) => [q.target, q.bodyBytes, q.contentLength])).toEqual([['/big', 4096, 1000000]]);
    expect(r.counters.get('http.incomplete')).toBe(1);
  });

  it('bounds the head: counts header_too_long, keeps the request line and resyncs after the head', () => {
    const o = createHttpObserver({ maxHeaderBytes: 256, maxLineBytes: 64 });
    const r = recorder();
    const s = o.open(endpoints('tcp', 80), r);
    o.data(s, 'orig', ascii(`GET /x HTTP/1.1\r\nHost: h\r\nCookie: ${'c'.repeat(1000)}\r\n`), 1, false);
    o.data(s, 'orig', ascii('\r\nGET /y HTTP/1.1\r\n\r\n'), 2, false);
    expect(r.counters.get('http.header_too_long')).toBe(1);
    expect(reqs(r).map((q) => [q.target, q.host])).toEqual([['/x', 'h'], ['/y', undefined]]);
  });

  it('keeps non-standard request lines as tshark does, and stops after CONNECT', () => {
    const o = createHttpObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 80), r);
    o.data(s, 'orig', ascii('GET /\r\n\r\nOPTIONS\r\n\r\n'), 1, false);
    expect(reqs(r).map((q) => [q.method, q.target, q.version])).toEqual([['GET', '/', ''], ['OPTIONS', '', '']]);
    expect(r.counters.get('http.nonstandard_request_line')).toBe(2);
    expect(o.data(s, 'orig', ascii('CONNECT s3.amazonaws.com:443 HTTP/1.1\r\n\r\n\x16\x03\x01'), 2, false)).toBe(false);
  });

  it('resyncs after a gap at the next chunk that starts with a request, and counts bad chunk sizes', () => {
    const o = createHttpObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 80), r);
    o.data(s, 'orig', ascii('POST /p HTTP/1.1\r\nContent-Length: 100\r\n\r\n0123'), 1, false);
    o.data(s, 'orig', ascii('tail of the lost body'), 2, true);
    o.data(s, 'orig', ascii('POST /q HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), 3, false);
    expect(r.counters.get('http.gap')).toBe(1);
    expect(r.counters.get('http.bad_chunk')).toBe(1);
    expect(reqs(r).map((q) => [q.target, q.bodyBytes])).toEqual([['/p', 4], ['/q', 0]]);
  });
});
