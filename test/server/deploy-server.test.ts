// deploy/server/ agrees with the server it deploys: flags `serve` takes, the health paths it answers, the grace
// period of its shutdown, three replicas, and the database password never in a URL or on a command line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { buildProgram } from '../../src/cli/main.ts';
import { parseListen, parseTrustProxy } from '../../src/cli/commands/serve.ts';
import { DEFAULT_GRACE_MS, HEALTH_PATHS } from '../../src/server/health.ts';

const dir = new URL('../../deploy/server/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, dir), 'utf8');

/** The long options `np2dfw serve` takes. */
async function serveFlags(): Promise<Set<string>> {
  const serve = (await buildProgram()).commands.find((c) => c.name() === 'serve');
  assert.ok(serve);
  return new Set(serve.options.map((o) => o.long).filter((l): l is string => l !== undefined));
}

/** `--flag=value` and `--flag value` of an argument list, by flag. */
function flagsOf(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(0, eq), a.slice(eq + 1));
    else out.set(a, args[++i]);
  }
  return out;
}

function checkDbUrl(url: unknown): void {
  assert.equal(typeof url, 'string');
  const u = new URL(url as string);
  assert.equal(u.protocol, 'postgres:');
  assert.equal(u.password, '', 'no password in NP2DFW_DB_URL');
}

describe('deploy/server', () => {
  it('compose.yaml: three serve replicas on PostgreSQL, the password from a secret file, health-checked on /readyz', async () => {
    const compose = parse(text('compose.yaml')) as any;
    const svc = compose.services.np2dfw;
    assert.equal(svc.deploy.replicas, 3);
    assert.equal(svc.command[0], 'serve');
    const flags = flagsOf(svc.command.slice(1));
    const known = await serveFlags();
    for (const f of flags.keys()) assert.ok(known.has(f), `serve takes ${f}`);
    const { port } = parseListen(flags.get('--listen')!);
    assert.ok(parseTrustProxy(flags.get('--trust-proxy')!).includes(compose.networks.backend.ipam.config[0].subnet));
    checkDbUrl(svc.environment.NP2DFW_DB_URL);
    assert.ok(!svc.command.join(' ').includes('password'), 'no password on the command line');
    const secretFile = svc.environment.NP2DFW_DB_PASSWORD_FILE as string;
    assert.ok(svc.secrets.some((s: string) => secretFile === `/run/secrets/${s}`), 'the password file is a mounted secret');
    assert.ok(compose.secrets[secretFile.slice('/run/secrets/'.length)].file);
    assert.equal(compose.services.db.environment.POSTGRES_PASSWORD_FILE, secretFile);
    // the container's health check and its stop: readiness, and longer than the server's grace period
    assert.match(svc.healthcheck.test.join(' '), new RegExp(`127\\.0\\.0\\.1:${port}/readyz`));
    assert.ok(Number.parseInt(svc.stop_grace_period, 10) * 1000 > DEFAULT_GRACE_MS);

    const haproxy = text('haproxy.cfg');
    const check = /http-check send meth GET uri (\S+)/.exec(haproxy);
    assert.ok(check && HEALTH_PATHS.has(check[1]) && check[1] === '/readyz');
    const servers = /server-template \S+ (\d+) np2dfw:(\d+) check/.exec(haproxy);
    assert.ok(servers, 'one server per replica');
    assert.equal(Number(servers[1]), svc.deploy.replicas);
    assert.equal(Number(servers[2]), port);
    assert.match(haproxy, /option forwardfor/);
  });

  it('kubernetes.yaml: a Deployment of three, probes on /readyz and /healthz, a grace period longer than the server\'s', async () => {
    const docs = parseAllDocuments(text('kubernetes.yaml')).map((d) => d.toJS() as any);
    const deployment = docs.find((d) => d.kind === 'Deployment');
    assert.equal(deployment.spec.replicas, 3);
    const pod = deployment.spec.template.spec;
    const c = pod.containers[0];
    assert.equal(c.args[0], 'serve');
    const known = await serveFlags();
    for (const f of flagsOf(c.args.slice(1)).keys()) assert.ok(known.has(f), `serve takes ${f}`);
    assert.equal(c.readinessProbe.httpGet.path, '/readyz');
    assert.equal(c.livenessProbe.httpGet.path, '/healthz');
    for (const p of [c.readinessProbe, c.livenessProbe]) {
      assert.ok(HEALTH_PATHS.has(p.httpGet.path));
      assert.ok(c.ports.some((x: { name: string }) => x.name === p.httpGet.port));
    }
    const env = new Map(c.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    checkDbUrl(env.get('NP2DFW_DB_URL'));
    const mounted = c.volumeMounts.map((m: { mountPath: string }) => m.mountPath);
    assert.ok(mounted.some((m: string) => (env.get('NP2DFW_DB_PASSWORD_FILE') as string).startsWith(`${m}/`)), 'the password file is mounted');
    const preStop = Number(c.lifecycle.preStop.exec.command[1]);
    assert.ok(pod.terminationGracePeriodSeconds * 1000 > DEFAULT_GRACE_MS + preStop * 1000);
    const service = docs.find((d) => d.kind === 'Service');
    assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
    assert.ok(docs.some((d) => d.kind === 'PodDisruptionBudget'));
  });
});
