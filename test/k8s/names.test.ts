import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dns1123LabelErrors, dns1123SubdomainErrors, labelKeyErrors, labelValueErrors, portNameErrors, portNumberErrors } from '../../src/k8s/validate/names.ts';

describe('Kubernetes string formats', () => {
  test('DNS-1123 label: lower case alphanumerics and -, alphanumeric ends, at most 63', () => {
    for (const ok of ['a', '0', 'my-name', '123-abc', 'a'.repeat(63)]) assert.deepEqual(dns1123LabelErrors(ok), [], ok);
    for (const bad of ['', 'A', '-a', 'a-', 'a_b', 'a b']) assert.equal(dns1123LabelErrors(bad).length, 1, bad);
    assert.deepEqual(dns1123LabelErrors('a.b'), ['must not contain dots']);
    assert.deepEqual(dns1123LabelErrors('a'.repeat(64)), ['must be no more than 63 characters']);
  });

  test('DNS-1123 subdomain: dot-separated labels, at most 253', () => {
    for (const ok of ['a', 'a.b', 'example.com', 'a-1.b-2.c', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`]) {
      assert.deepEqual(dns1123SubdomainErrors(ok), [], ok);
    }
    for (const bad of ['', '.a', 'a.', 'a..b', 'A.b', 'a_b.c']) assert.equal(dns1123SubdomainErrors(bad).length, 1, bad);
    assert.deepEqual(dns1123SubdomainErrors('a'.repeat(254)), ['must be no more than 253 characters']);
  });

  test('label keys: [prefix/]name', () => {
    for (const ok of ['app', 'App_1.x', 'k8s.io/app', 'kubernetes.io/metadata.name', 'a/B', 'x'.repeat(63), `${'p'.repeat(253)}/n`]) {
      assert.deepEqual(labelKeyErrors(ok), [], ok);
    }
    assert.deepEqual(labelKeyErrors('/app'), ['prefix part must be non-empty']);
    assert.equal(labelKeyErrors('app/')[0], 'name part must be non-empty');
    assert.equal(labelKeyErrors('Example.com/app').length, 1);
    assert.match(labelKeyErrors('Example.com/app')[0], /^prefix part a lowercase RFC 1123 subdomain/);
    assert.deepEqual(labelKeyErrors('x'.repeat(64)), ['name part must be no more than 63 characters']);
    assert.match(labelKeyErrors('_app')[0], /^name part must consist of alphanumeric characters/);
    assert.match(labelKeyErrors('a/b/c')[0], /^a valid label key must consist/);
  });

  test('label values: empty, or at most 63 of [A-Za-z0-9-_.] with alphanumeric ends', () => {
    for (const ok of ['', 'v', 'MyValue', 'my_value', '12345', 'a.b-c_d', 'v'.repeat(63)]) assert.deepEqual(labelValueErrors(ok), [], ok);
    for (const bad of ['-v', 'v-', '.v', 'a b', 'a/b', 'é']) assert.equal(labelValueErrors(bad).length, 1, bad);
    assert.deepEqual(labelValueErrors('v'.repeat(64)), ['must be no more than 63 characters']);
  });

  test('port numbers: 1-65535', () => {
    assert.deepEqual(portNumberErrors(1), []);
    assert.deepEqual(portNumberErrors(65535), []);
    for (const bad of [0, -1, 65536, 1.5]) assert.deepEqual(portNumberErrors(bad), ['must be between 1 and 65535, inclusive']);
  });

  test('IANA_SVC_NAME: at most 15 of [-a-z0-9], a letter, no hyphen at the ends or twice', () => {
    for (const ok of ['http', 'h2c', 'web-8080', 'a', 'a'.repeat(15), 'x-1-y']) assert.deepEqual(portNameErrors(ok), [], ok);
    assert.deepEqual(portNameErrors('a'.repeat(16)), ['must be no more than 15 characters']);
    assert.deepEqual(portNameErrors('8080'), ['must contain at least one letter (a-z)']);
    assert.deepEqual(portNameErrors('a--b'), ['must not contain consecutive hyphens']);
    assert.deepEqual(portNameErrors('-a'), ['must not begin or end with a hyphen']);
    assert.deepEqual(portNameErrors('a_b'), ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']);
    assert.deepEqual(portNameErrors(''), [
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must contain at least one letter (a-z)',
    ]);
  });
});
