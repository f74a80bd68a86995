// Measures new TCP connections per second from inside a lab namespace: `node connection-rate.mjs IP PORT MS MAX
// CONCURRENCY` opens connections to IP:PORT, `CONCURRENCY` at a time, until MS milliseconds have passed or MAX
// connections were made (both bounds always apply), waits for each to be established and closed by the server,
// and prints {"connections":N,"failed":F,"ms":T}. It only ever connects to the one address it is given.
// `node connection-rate.mjs IP PORT serve` stays up for many runs to that one address (no process start or JIT
// warm-up inside a run): each stdin line `MS MAX CONCURRENCY` starts one run, answered by its JSON line; it
// exits when stdin closes.
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

/** One run's result. */
export interface RateResult {
  readonly connections: number;
  readonly failed: number;
  readonly ms: number;
}

/** Opens connections until the time or count bound, `concurrency` at a time. */
export async function measureConnectionRate(ip: string, port: number, maxMs: number, maxCount: number, concurrency: number): Promise<RateResult> {
  const start = performance.now();
  const deadline = start + maxMs;
  let started = 0;
  let done = 0;
  let failed = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const s = connect({ host: ip, port });
      const timer = setTimeout(() => {
        failed++;
        s.destroy();
        resolve();
      }, 2000);
      s.on('error', () => {
        clearTimeout(timer);
        failed++;
        resolve();
      });
      s.on('connect', () => s.resume());
      s.on('end', () => {
        clearTimeout(timer);
        done++;
        s.destroy();
        resolve();
      });
    });
  const worker = async () => {
    while (started < maxCount && performance.now() < deadline) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { connections: done, failed, ms: performance.now() - start };
}

if (import.meta.main) {
  const [ip, port, ms, max, conc] = process.argv.slice(2);
  if (ms === 'serve') {
    // one run at a time, in the order asked
    for await (const line of createInterface({ input: process.stdin })) {
      const [runMs, runMax, runConc] = line.trim().split(/\s+/).map(Number);
      const r = await measureConnectionRate(ip, Number(port), runMs, runMax, runConc);
      process.stdout.write(`${JSON.stringify(r)}\n`);
    }
  } else {
    const r = await measureConnectionRate(ip, Number(port), Number(ms), Number(max), Number(conc ?? 8));
    process.stdout.write(`${JSON.stringify(r)}\n`);
  }
}
