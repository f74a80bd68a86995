import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../../src/adapter/backoff.ts';
import { Metrics } from '../../src/adapter/metrics.ts';

describe('adapter backoff and metrics', () => {
  it('backs off exponentially with full jitter, capped, and starts again after a success', () => {
    const seq = [0, 1, 0.5, 1, 1, 1, 1, 1, 1, 1];
    let k = 0;
    const b = new Backoff(100, 1000, () => seq[k++ % seq.length]);
    const delays = Array.from({ length: 10 }, () => b.next());
    assert.deepEqual(delays, [100, 200, 250, 800, 1000, 1000, 1000, 1000, 1000, 1000]);
    b.reset();
    assert.equal(b.next(), 100, 'after a success: the base delay again');
    const third = new Set(Array.from({ length: 30 }, () => {
      const x = new Backoff(100, 10_000);
      x.next();
      x.next();
      return x.next();
    }));
    assert.ok(third.size > 5, 'replicas retrying together spread out');
    for (const d of third) assert.ok(d >= 100 && d <= 400);
  });

  it('writes the Prometheus text format', () => {
    const m = new Metrics();
    m.inc('np2dfw_adapter_watch_restarts_total', 'Watch restarts', { resource: 'Pod', reason: 'gone' });
    m.inc('np2dfw_adapter_watch_restarts_total', 'Watch restarts', { resource: 'Pod', reason: 'gone' });
    m.set('np2dfw_adapter_queue_depth', 'Queue', 3);
    m.observe('np2dfw_adapter_reconcile_duration_seconds', 'Reconciles', 0.5);
    m.observe('np2dfw_adapter_reconcile_duration_seconds', 'Reconciles', 0.25);
    assert.equal(m.text(), [
      '# HELP np2dfw_adapter_watch_restarts_total Watch restarts', '# TYPE np2dfw_adapter_watch_restarts_total counter',
      'np2dfw_adapter_watch_restarts_total{resource="Pod",reason="gone"} 2',
      '# HELP np2dfw_adapter_queue_depth Queue', '# TYPE np2dfw_adapter_queue_depth gauge', 'np2dfw_adapter_queue_depth 3',
      '# HELP np2dfw_adapter_reconcile_duration_seconds Reconciles', '# TYPE np2dfw_adapter_reconcile_duration_seconds summary',
      'np2dfw_adapter_reconcile_duration_seconds_sum 0.75', 'np2dfw_adapter_reconcile_duration_seconds_count 2', '',
    ].join('\n'));
  });
});
