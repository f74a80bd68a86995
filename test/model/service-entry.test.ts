import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePortValue } from '../../src/model/service-entry.ts';

test('parsePortValue reads a port or a port range, and nothing else', () => {
  assert.deepEqual(parsePortValue('53'), { first: 53, last: 53 });
  assert.deepEqual(parsePortValue('8080-8090'), { first: 8080, last: 8090 });
  assert.deepEqual(parsePortValue(' 80 - 81 '), { first: 80, last: 81 });
  for (const bad of ['', 'http', '80-', '-80', '80-90-100', '8o']) assert.equal(parsePortValue(bad), undefined, bad);
});
