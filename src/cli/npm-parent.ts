/**
 * Under npm (`npm start`, `npx np2dfw ...`), npm runs np2dfw through `sh -c`, and on SIGTERM npm signals that
 * shell, which dies without passing the signal on: np2dfw would live on as an orphan, still serving on its port
 * or holding the lab's namespaces. So when npm started this process (npm sets `npm_command`), np2dfw watches
 * its parent and, once the parent is gone, sends itself SIGTERM: the command's own SIGTERM handling (the lab
 * removes its namespaces and exits 143, serve closes its server) runs as if it had been signalled itself.
 * Outside npm nothing changes (`nohup np2dfw serve &` keeps running when its shell ends).
 */
export function endWithNpmParent(env: NodeJS.ProcessEnv = process.env, intervalMs = 250): void {
  if (!env.npm_command && !env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, intervalMs);
  timer.unref();
}
