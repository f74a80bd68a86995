import assert from 'node:assert/strict';
import type { Cluster } from '../../src/k8s/cluster.ts';
import { formatFieldPath } from '../../src/k8s/field-path.ts';
import { InvalidInputError, type InputProblem } from '../../src/k8s/invalid-input.ts';
import { loadClusterFromTexts, type LoadOptions } from '../../src/k8s/load-cluster.ts';

/** Removes the common indentation of a template literal and its first newline, so tests read like the YAML. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

/** The 1-based line of the only line holding `marker`. */
export function lineOf(text: string, marker: string): number {
  const lines = text.split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(marker) ? [i + 1] : []));
  assert.equal(hits.length, 1, `marker ${JSON.stringify(marker)} must occur on exactly one line, found ${hits.length}`);
  return hits[0];
}

/** Loads one text as a file named `name`. */
export function load(text: string, name = 'input.yaml', options: LoadOptions = {}): Cluster {
  return loadClusterFromTexts([{ name, text }], options);
}

/** The problems loading `text` reports; fails when it loads. */
export function problemsOf(text: string, name = 'input.yaml'): InputProblem[] {
  try {
    load(text, name);
  } catch (e) {
    assert.ok(e instanceof InvalidInputError, `expected InvalidInputError, got ${(e as Error)?.stack}`);
    return [...e.problems];
  }
  assert.fail('the input loaded; expected problems');
}

/** `path: message` for each problem, the way tests compare them. */
export function described(problems: readonly InputProblem[]): string[] {
  return problems.map((p) => `${formatFieldPath(p.path)}: ${p.message}`);
}

/** The warnings loading `text` gives (it must load). */
export function warningsOf(text: string, name = 'input.yaml'): string[] {
  const warnings: string[] = [];
  load(text, name, { onWarning: (w) => warnings.push(w) });
  return warnings;
}

/** A NetworkPolicy `p` in namespace `ns`, with `spec` (YAML, indented as under `spec:`). */
export function policyYaml(spec: string): string {
  return dedent(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: p
      namespace: ns
    spec:
  `) + dedent(spec).split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
}
