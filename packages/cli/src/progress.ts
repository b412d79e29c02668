/**
 * A progress bar for long runs, drawn on stderr only when it is a TTY (never in pipes or CI logs).
 *
 * @module
 */

/** Something that can show how far a job has come. */
export interface Progress {
  /** Report `done` of `total` units (bytes). */
  update(done: number): void;
  /** Remove the bar. */
  finish(): void;
}

const NONE: Progress = { update() {}, finish() {} };

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(1)} ${units[i]}`;
}

/**
 * A progress bar over `total` bytes on `stream` (stderr by default), redrawn at most 10 times a second; a
 * no-op when the stream is not a TTY.
 */
export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total <= 0) return NONE;
  const started = performance.now();
  let last = 0;
  const draw = (done: number) => {
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 60));
    const ratio = Math.min(1, done / total);
    const filled = Math.round(ratio * width);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? (total - done) / rate : 0;
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${human(done)}/${human(total)} ${human(rate)}/s eta ${eta.toFixed(0)}s `,
    );
  };
  return {
    update(done) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      draw(done);
    },
    finish() {
      stream.write(`\r${' '.repeat(Math.max(0, (stream.columns ?? 80) - 1))}\r`);
    },
  };
}
