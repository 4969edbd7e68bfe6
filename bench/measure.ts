/**
 * What the benchmarks share: a positive integer option (`--firms 20000`), and this process's peak
 * resident memory as the kernel keeps it (VmHWM), which sampling could miss.
 */
import { readFileSync } from 'node:fs';

/** `--<name> <n>` from the command line, or `fallback`; anything but a positive integer is refused. */
export function positiveIntArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} needs a positive integer`);
  return n;
}

/** This process's peak RSS so far in MB, from the kernel (exact, not sampled); Node's maxRSS where /proc is not there. */
export function peakRssMb(): number {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // not Linux
  }
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return Math.round((m ? Number(m[1]) : process.resourceUsage().maxRSS) / 1024);
}
