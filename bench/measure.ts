// What every benchmark reports: wall time and the process's peak resident memory.
import { performance } from 'node:perf_hooks';

/** One measured step. */
export interface Measurement {
  readonly label: string;
  readonly ms: number;
  /** Peak resident set size of the process so far, in MiB. */
  readonly peakRssMiB: number;
}

/** Runs `fn`, prints and returns its wall time and the peak RSS so far. */
export function measure<T>(label: string, fn: () => T): { result: T; m: Measurement } {
  const t0 = performance.now();
  const result = fn();
  const ms = performance.now() - t0;
  const m = { label, ms, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`| ${label} | ${ms.toFixed(0)} ms | peak RSS ${m.peakRssMiB.toFixed(0)} MiB |\n`);
  return { result, m };
}

/** Async variant of measure. */
export async function measureAsync<T>(label: string, fn: () => Promise<T>): Promise<{ result: T; m: Measurement }> {
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  const m = { label, ms, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`| ${label} | ${ms.toFixed(0)} ms | peak RSS ${m.peakRssMiB.toFixed(0)} MiB |\n`);
  return { result, m };
}
