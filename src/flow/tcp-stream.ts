/**
 * One direction of a TCP byte stream, put back in sequence order for an application observer.
 * In-order bytes go straight through; early segments wait in a small list bounded by `maxBytes`.
 * When the bound is hit (or the flow ends) the hole is skipped and the next bytes carry `gap = true`.
 */
export interface TcpStreamDir {
  /** next expected sequence number, or -1 before the first byte is known */
  next: number;
  /** out-of-order segments waiting for the hole before them, sorted by seq */
  pending: { seq: number; data: Uint8Array }[];
  pendingBytes: number;
  /** a hole was skipped and the next delivery must say so */
  gap: boolean;
}

export function createStreamDir(): TcpStreamDir {
  return { next: -1, pending: [], pendingBytes: 0, gap: false };
}

/** A SYN (or SYN-ACK) fixes where the byte stream starts. */
export function streamSyn(s: TcpStreamDir, seq: number): void {
  if (s.next === -1) s.next = (seq + 1) >>> 0;
}

/** Signed distance a - b in 32-bit sequence space. */
function seqDiff(a: number, b: number): number {
  return ((a - b) | 0);
}

export type Deliver = (data: Uint8Array, gap: boolean) => void;

/**
 * Feed one segment's payload. Calls `deliver` zero or more times with in-order bytes.
 * Returns true when the bound forced a hole to be skipped.
 */
export function streamSegment(s: TcpStreamDir, seq: number, payload: Uint8Array, maxBytes: number, deliver: Deliver): boolean {
  if (payload.length === 0) return false;
  if (s.next === -1) s.next = seq >>> 0;
  let d = seqDiff(seq, s.next);
  let data = payload;
  if (d < 0) {
    // Retransmission or overlap: keep only the part past what was delivered.
    if (-d >= data.length) return false;
    data = data.subarray(-d);
    seq = s.next;
    d = 0;
  }
  if (d === 0) {
    emit(s, data, deliver);
    drainPending(s, deliver);
    return false;
  }
  // Early segment: keep a copy, since the caller's buffer is reused.
  if (s.pendingBytes + data.length > maxBytes) {
    skipHole(s, seq, data, deliver);
    return true;
  }
  insertPending(s, seq >>> 0, Uint8Array.from(data));
  return false;
}

/** At the end of the flow: deliver what waits behind holes, marking the gaps. */
export function streamFlush(s: TcpStreamDir, deliver: Deliver): void {
  while (s.pending.length > 0) {
    const first = s.pending[0];
    if (first === undefined) break;
    if (seqDiff(first.seq, s.next) > 0) {
      s.next = first.seq;
      s.gap = true;
    }
    drainPending(s, deliver);
  }
}

function emit(s: TcpStreamDir, data: Uint8Array, deliver: Deliver): void {
  s.next = (s.next + data.length) >>> 0;
  const gap = s.gap;
  s.gap = false;
  deliver(data, gap);
}

function drainPending(s: TcpStreamDir, deliver: Deliver): void {
  while (s.pending.length > 0) {
    const first = s.pending[0];
    if (first === undefined) return;
    const d = seqDiff(first.seq, s.next);
    if (d > 0) return;
    s.pending.shift();
    s.pendingBytes -= first.data.length;
    if (-d < first.data.length) emit(s, first.data.subarray(-d), deliver);
  }
}

function insertPending(s: TcpStreamDir, seq: number, data: Uint8Array): void {
  let i = s.pending.length;
  while (i > 0 && seqDiff(s.pending[i - 1]?.seq ?? 0, seq) > 0) i--;
  s.pending.splice(i, 0, { seq, data });
  s.pendingBytes += data.length;
}

// The buffer is full: give up on the hole, deliver what is buffered, then this segment.
function skipHole(s: TcpStreamDir, seq: number, data: Uint8Array, deliver: Deliver): void {
  streamFlush(s, deliver);
  if (seqDiff(seq, s.next) > 0) {
    s.next = seq >>> 0;
    s.gap = true;
  }
  const d = seqDiff(seq, s.next);
  if (-d < data.length) emit(s, data.subarray(Math.max(0, -d)), deliver);
}

/**
 * The peer acknowledged up to `ack`: bytes before it that never showed up were lost by the capture, not
 * the network (they will not be retransmitted). Skip the hole now instead of waiting for the buffer bound.
 * Returns true when a hole was skipped.
 */
export function streamAcked(s: TcpStreamDir, ack: number, deliver: Deliver): boolean {
  const first = s.pending[0];
  if (s.next === -1 || first === undefined || seqDiff(ack, s.next) <= 0 || seqDiff(first.seq, ack) > 0) return false;
  s.next = first.seq;
  s.gap = true;
  drainPending(s, deliver);
  return true;
}
