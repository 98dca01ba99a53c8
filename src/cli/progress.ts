/** A one-line progress bar on a terminal's standard error; silent elsewhere. */
export interface Progress {
  update(bytesRead: number, totalBytes: number, packets: number): void;
  done(): void;
}

const WIDTH = 30;
const REDRAW_MS = 200;

export function createProgress(stream: NodeJS.WriteStream, label: string, enabled: boolean): Progress {
  if (!enabled || !stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  const started = Date.now();
  return {
    update(read, total, packets) {
      const t = Date.now();
      if (t - last < REDRAW_MS || total <= 0) return;
      last = t;
      const frac = Math.min(1, read / total);
      const filled = Math.round(frac * WIDTH);
      const secs = Math.max(0.001, (t - started) / 1000);
      const rate = (packets / secs / 1e6).toFixed(2);
      const name = label.length > 30 ? '…' + label.slice(-29) : label;
      stream.write(`\r${name} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${(read / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB ${rate} Mpkt/s`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
