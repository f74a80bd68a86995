import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { checkLayers, importsOf, LAYERS, NOT_LAYERED, type LayerProblem } from './layers.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Known problems, each with why it is still there. An entry matches a problem whose key starts with `prefix`.
 * An entry that matches nothing fails the test: the problem is gone, so remove the entry.
 */
const KNOWN: readonly { readonly kind: LayerProblem['kind']; readonly prefix: string; readonly why: string }[] = [
  // The server's subfolders lean on each other: auth reads users from store and throws http's ApiError, store
  // throws ApiError and hashes with auth, http's OpenAPI document lists auth's roles. Folding ApiError and the
  // roles into a folder below all three would undo it; no part of issue 15 owns src/server.
  { kind: 'cycle', prefix: 'src/server/', why: 'server/auth, server/http and server/store import each other' },
];

function isKnown(p: LayerProblem): boolean {
  return KNOWN.some((k) => k.kind === p.kind && p.key.startsWith(k.prefix));
}

/** Every .ts file under src/, by repository-relative path with `/`. */
function sourceFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const path = join(e.parentPath, e.name);
    files.set(relative(ROOT, path).split(sep).join('/'), readFileSync(path, 'utf8'));
  }
  return files;
}

describe('layers of src/', () => {
  const problems = checkLayers(sourceFiles());

  it('no file imports a layer above its own, nothing outside src/, and no sibling folders import each other', () => {
    const unknown = problems.filter((p) => !isKnown(p));
    assert.deepEqual(unknown.map((p) => p.message), []);
  });

  it('every known problem on the allow-list still occurs (remove the entries that no longer do)', () => {
    const stale = KNOWN.filter((k) => !problems.some((p) => p.kind === k.kind && p.key.startsWith(k.prefix)));
    assert.deepEqual(stale.map((k) => `${k.kind} ${k.prefix}: ${k.why}`), []);
  });

  it('every folder of src/ is in a layer or holds no TypeScript', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    assert.deepEqual(folders.filter((f) => !LAYERS.some((l) => l.includes(f)) && !NOT_LAYERED.includes(f)), []);
  });

  it('docs/architecture.md draws the same order', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const order = LAYERS.map((l) => l.join(', ')).join(' -> ');
    assert.ok(doc.includes(order), `docs/architecture.md should state the layers as: ${order}`);
  });

  it('test-only code is not shipped: the package and the build take src/ only', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    assert.deepEqual(pkg.files.filter((f) => /^(testing|test|bench)\b/.test(f)), []);
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    assert.deepEqual(build.include, ['src/**/*.ts']);
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    assert.ok(tsconfig.include.includes('testing/**/*.ts'), 'tsc --noEmit checks testing/');
  });
});

describe('the layering check', () => {
  const check = (files: Record<string, string>) => checkLayers(new Map(Object.entries(files)));

  it('reads every form of import, and none in comments or strings', () => {
    const text = [
      "import a from './a.ts';",
      "import type { B } from '../b.ts';",
      "export { c } from './c.ts';",
      "export * from './d.ts';",
      "import './e.ts';",
      "const f = await import('./f.ts');",
      "type G = import('./g.ts').G;",
      "import h = require('./h.ts');",
      "import { readFileSync } from 'node:fs';",
      "// import x from './comment.ts';",
      "const s = \"import y from './string.ts'\";",
    ].join('\n');
    const edges = importsOf('src/k8s/x.ts', text);
    assert.deepEqual(edges.map((e) => `${e.line} ${e.to}`), [
      '1 src/k8s/a.ts', '2 src/b.ts', '3 src/k8s/c.ts', '4 src/k8s/d.ts', '5 src/k8s/e.ts', '6 src/k8s/f.ts', '7 src/k8s/g.ts', '8 src/k8s/h.ts', '9 node:fs',
    ]);
  });

  it('fails naming the file, the import and both layers when a lower layer imports a higher one', () => {
    const problems = check({
      'src/convert/convert-cluster.ts': "import type { Refusal } from '../evaluate/target.ts';\n",
      'src/evaluate/target.ts': "export interface Refusal { code: string }\n",
    });
    assert.deepEqual(problems.map((p) => p.message), [
      'src/convert/convert-cluster.ts:1 imports src/evaluate/target.ts: convert (layer convert) may not import evaluate (layer evaluate, above it)',
    ]);
  });

  it('finds the upward import in every form (export from, dynamic import(), type-level import())', () => {
    for (const line of ["export * from '../../cli/main.ts';", "await import('../../cli/main.ts');", "let x: import('../../cli/main.ts').X;"]) {
      const problems = check({ 'src/k8s/sub/x.ts': `\n${line}\n` });
      assert.deepEqual(problems.map((p) => p.message), [`src/k8s/sub/x.ts:2 imports src/cli/main.ts: k8s (layer net|k8s) may not import cli (layer cli, above it)`], line);
    }
  });

  it('allows imports downward and within a layer', () => {
    assert.deepEqual(check({
      'src/cli/main.ts': "import '../targets/registry.ts'; import '../server/app.ts'; import '../net/cidr.ts';\n",
      'src/targets/registry.ts': "import '../evaluate/engine.ts'; import '../realize/x.ts'; import '../convert/y.ts';\n",
      'src/evaluate/engine.ts': "import type { A } from '../realize/antrea/antrea-objects.ts';\n",
      'src/adapter/a.ts': "import '../server/store/s.ts'; import '../client/c.ts';\n",
      'src/k8s/pod.ts': "import '../net/ip-address.ts';\n",
    }), []);
  });

  it('fails when src/ imports test-only code, when a folder has no layer, and on a computed import()', () => {
    const problems = check({
      'src/evaluate/x.ts': "import { generateCluster } from '../../testing/synthetic/generate-cluster.ts';\n",
      'src/widgets/w.ts': "import '../k8s/pod.ts';\n",
      'src/k8s/y.ts': 'const m = await import(`./${name}.ts`);\n',
    });
    assert.deepEqual(problems.map((p) => p.kind).sort(), ['no-layer', 'outside-src', 'unreadable']);
    assert.match(problems.find((p) => p.kind === 'outside-src')!.message, /^src\/evaluate\/x\.ts:1 imports testing\/synthetic\/generate-cluster\.ts: src\/ imports only src\//);
    assert.match(problems.find((p) => p.kind === 'no-layer')!.message, /src\/widgets\/ is in no layer/);
  });

  it('fails on folders of one layer that import each other, directly or around a loop', () => {
    const problems = check({
      'src/server/a.ts': "import '../adapter/b.ts';\n",
      'src/adapter/b.ts': "import '../lab/c.ts';\n",
      'src/lab/c.ts': "import '../server/a.ts';\n",
      'src/realize/contrail/x.ts': "import '../antrea/y.ts';\n",
      'src/realize/antrea/y.ts': "import '../contrail/x.ts';\n",
      'src/realize/antrea/z.ts': "import '../tiers.ts';\n",
      'src/realize/tiers.ts': "import './antrea/z.ts';\n",
    });
    assert.deepEqual(problems.map((p) => p.key), ['src/adapter <-> src/lab <-> src/server', 'src/realize/antrea <-> src/realize/contrail']);
    assert.match(problems[1].message, /src\/realize\/antrea -> src\/realize\/contrail \(src\/realize\/antrea\/y\.ts:1 imports src\/realize\/contrail\/x\.ts\)/);
  });
});
