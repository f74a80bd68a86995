// Loading says how far it got: reading, parsing each input, checking and decoding the objects.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadClusterFromPaths } from '../../src/k8s/load-cluster.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';

describe('loading progress', () => {
  it('reports each phase from 0 to its total, in order, and decodes the same cluster as without it', () => {
    const events: string[] = [];
    const path = join(REPO_ROOT, 'examples', 'seed-003');
    const cluster = loadClusterFromPaths([path], { onProgress: ({ done, total, what }) => events.push(`${what}: ${done} of ${total}`) });
    assert.deepEqual(events, [
      'reading the input: 0 of 1',
      'reading the input: 1 of 1',
      'parsing the input: 0 of 3',
      'parsing the input: 1 of 3',
      'parsing the input: 2 of 3',
      'parsing the input: 3 of 3',
      'checking and decoding the objects: 0 of 9',
      'checking and decoding the objects: 9 of 9',
    ]);
    assert.deepEqual(JSON.stringify(cluster.pods), JSON.stringify(loadClusterFromPaths([path]).pods));
  });
});
