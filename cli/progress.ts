import { SingleBar, Presets } from 'cli-progress';
import type { CliIo } from './io';

export interface Progress {
  start(total: number, label: string): void;
  tick(label: string): void;
  stop(): void;
}

/** A bar on a terminal (cli-progress), plain numbered lines otherwise (logs, CI, pipes). */
export function createProgress(io: CliIo): Progress {
  if (io.stderr.isTTY) {
    const bar = new SingleBar(
      { format: '{bar} {percentage}% | {value}/{total} | {label}', stream: io.stderr, hideCursor: true, clearOnComplete: true },
      Presets.shades_classic,
    );
    return {
      start: (total, label) => bar.start(total, 0, { label }),
      tick: (label) => bar.increment(1, { label }),
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  let total = 0;
  return {
    start(t, label) {
      total = t;
      done = 0;
      io.stderr.write(`开始：${label}（共 ${t} 项）\n`);
    },
    tick(label) {
      done += 1;
      io.stderr.write(`[${done}/${total}] ${label}\n`);
    },
    stop() {},
  };
}

/** A running count for work whose total is unknown up front (rows of a file being imported). */
export function createCounter(io: CliIo, label: string): { update(n: number): void; stop(): void } {
  if (io.stderr.isTTY) {
    const bar = new SingleBar({ format: `${label} {value} 行 | {duration_formatted}`, stream: io.stderr, hideCursor: true, clearOnComplete: true });
    bar.start(0, 0);
    return { update: (n) => bar.update(n), stop: () => bar.stop() };
  }
  let next = 100_000;
  return {
    update(n) {
      if (n < next) return;
      io.stderr.write(`${label} ${n} 行\n`);
      next = (Math.floor(n / 100_000) + 1) * 100_000;
    },
    stop() {},
  };
}
