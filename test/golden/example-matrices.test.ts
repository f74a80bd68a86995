// Golden matrices for examples/, written by hand from the Kubernetes documentation (seed 003), pair by pair,
// independently of any engine. The CLI (`np2dfw reach -o json`) must print exactly these verdicts.
//
// The rules applied by hand:
//  - a pod is isolated for a direction when a policy of its namespace selects it with that direction in
//    policyTypes; an isolated pod accepts (ingress) or opens (egress) only what some rule of those policies allows;
//  - a connection passes when the source's egress AND the destination's ingress allow it;
//  - a pod's traffic to itself is always allowed; externals and hostNetwork pods are never isolated, and only
//    ipBlock peers match them; an ipBlock matches pod addresses too;
//  - a named port is the destination pod's own container port of that name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReachJson, REPO_ROOT, runNp2dfwInProcess } from '../cli/run-cli.ts';

// The CLI runs in this process through runCli, with paths relative to the repository's root.
process.chdir(REPO_ROOT);

type Allowed = Record<string, readonly string[]>;

/**
 * Compares the CLI's matrix with the hand-written allowed set: `allowed[src]` lists every destination src may
 * reach (self included); every pair not listed must be denied. Also checks the endpoint order.
 */
function assertMatrix(actual: Record<string, Record<string, boolean>>, order: readonly string[], endpoints: readonly string[], allowed: Allowed, port: string): void {
  assert.deepEqual(order, endpoints, `${port}: rows in endpoint order`);
  const wrong: string[] = [];
  for (const src of endpoints) {
    assert.deepEqual(Object.keys(actual[src]), endpoints, `${port}: columns of ${src} in endpoint order`);
    for (const dst of endpoints) {
      const expected = (allowed[src] ?? []).includes(dst);
      if (actual[src][dst] !== expected) wrong.push(`${src} -> ${dst}: expected ${expected ? 'allowed' : 'denied'}`);
    }
  }
  assert.deepEqual(wrong, [], `${port}: pairs that differ from the hand-written matrix`);
}

async function reach(args: readonly string[]) {
  const r = await runNp2dfwInProcess(['reach', ...args, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /skipped|warning/i, 'the examples hold only what np2dfw reads');
  return parseReachJson(r.stdout);
}

describe('examples/seed-003: test-network-policy', () => {
  // Endpoints: pods sorted by namespace/name, then --external addresses in the order given.
  const DB = 'default/db';
  const FRONTEND = 'default/frontend';
  const WORKER = 'default/worker';
  const CLIENT = 'myproject/client';
  const OTHER = 'other/frontend';
  const IN_BLOCK = '172.17.0.5'; // in 172.17.0.0/16, outside the except 172.17.1.0/24
  const EXCEPTED = '172.17.1.5'; // in the except range
  const IN_BLOCK_2 = '172.17.2.5'; // in 172.17.0.0/16 again, after the except range
  const EGRESS_NET = '10.0.0.5'; // in 10.0.0.0/24, db's one egress destination
  const externals = [IN_BLOCK, EXCEPTED, IN_BLOCK_2, EGRESS_NET];
  const endpoints = [DB, FRONTEND, WORKER, CLIENT, OTHER, ...externals];
  const everyone = endpoints;
  const allBut = (...no: string[]) => everyone.filter((e) => !no.includes(e));
  const args = ['-f', 'examples/seed-003', ...externals.flatMap((x) => ['--external', x])];

  it('6379/TCP: only frontend, namespace myproject and 172.17.0.0/16 minus 172.17.1.0/24 reach db; db reaches nothing', async () => {
    const m = (await reach([...args, '--port', '6379/TCP'])).get('6379/TCP')!;
    // test-network-policy selects role=db (default/db) with policyTypes [Ingress, Egress]: db is isolated both ways.
    // Its one ingress rule allows 6379/TCP from three peers (any one matches):
    //   ipBlock 172.17.0.0/16 except 172.17.1.0/24 -> 172.17.0.5 and 172.17.2.5, not 172.17.1.5 (nor 10.0.0.5);
    //   namespaceSelector project=myproject        -> myproject/client;
    //   podSelector role=frontend (namespace default only) -> default/frontend, not other/frontend.
    // default/worker matches no peer. Its one egress rule allows only 10.0.0.0/24 on 5978/TCP, so on 6379 db
    // reaches nobody but itself (self traffic is always allowed). No other pod is selected by any policy, and
    // externals are never isolated: every other pair is allowed.
    assertMatrix(m.matrix, m.order, endpoints, {
      [DB]: [DB],
      [FRONTEND]: everyone,
      [WORKER]: allBut(DB),
      [CLIENT]: everyone,
      [OTHER]: allBut(DB),
      [IN_BLOCK]: everyone,
      [EXCEPTED]: allBut(DB),
      [IN_BLOCK_2]: everyone,
      [EGRESS_NET]: allBut(DB),
    }, '6379/TCP');
  });

  it('5978/TCP: db reaches 10.0.0.5 and nothing else; nobody reaches db', async () => {
    const m = (await reach([...args, '--port', '5978'])).get('5978/TCP')!;
    // The egress rule (ipBlock 10.0.0.0/24, port 5978/TCP) lets db reach 10.0.0.5, which is not isolated.
    // The ingress rule only names 6379: into db on 5978 nothing but db itself.
    assertMatrix(m.matrix, m.order, endpoints, {
      [DB]: [DB, EGRESS_NET],
      [FRONTEND]: allBut(DB),
      [WORKER]: allBut(DB),
      [CLIENT]: allBut(DB),
      [OTHER]: allBut(DB),
      [IN_BLOCK]: allBut(DB),
      [EXCEPTED]: allBut(DB),
      [IN_BLOCK_2]: allBut(DB),
      [EGRESS_NET]: allBut(DB),
    }, '5978/TCP');
  });

  it('without --port: every declared container port (80 and 6379), db cut off on 80 in both directions', async () => {
    const ms = await reach(args);
    assert.deepEqual([...ms.keys()], ['80/TCP', '6379/TCP']);
    const m = ms.get('80/TCP')!;
    // 80 is neither in the ingress rule (6379) nor in the egress rule (5978): db talks only to itself on 80.
    assertMatrix(m.matrix, m.order, endpoints, {
      [DB]: [DB],
      [FRONTEND]: allBut(DB),
      [WORKER]: allBut(DB),
      [CLIENT]: allBut(DB),
      [OTHER]: allBut(DB),
      [IN_BLOCK]: allBut(DB),
      [EXCEPTED]: allBut(DB),
      [IN_BLOCK_2]: allBut(DB),
      [EGRESS_NET]: allBut(DB),
    }, '80/TCP');
  });
});

describe('examples/shop: a multi-namespace application', () => {
  // The pods' named ports (the policies name numbers):
  const CART = 'api/cart-7c9f'; // http=8080, metrics=9090
  const CATALOG = 'api/catalog-5d8b'; // http=8081, metrics=9090
  const PG = 'data/postgres-0'; // postgres=5432, metrics=9187
  const REDIS = 'data/redis-0'; // redis=6379, metrics=9121
  // data/schema-migrate-x7k2p is Succeeded: it is no endpoint at all.
  const TOOLBOX = 'default/toolbox';
  const DNS = 'kube-system/coredns-6d4b'; // 53/UDP, 53/TCP, 9153
  const NODE_EXP = 'kube-system/node-exporter-n1'; // hostNetwork, 192.168.10.11, 9100
  const PROM = 'monitoring/prometheus-0'; // web=9090
  const FA = 'web/frontend-a'; // http=8080, metrics=9113
  const FB = 'web/frontend-b';
  const CLIENT = '203.0.113.10'; // somewhere on the internet
  const PAYMENT = '198.51.100.20'; // the payment provider, in 198.51.100.0/24
  const endpoints = [CART, CATALOG, PG, REDIS, TOOLBOX, DNS, NODE_EXP, PROM, FA, FB, CLIENT, PAYMENT];
  const args = ['-f', 'examples/shop', '--external', CLIENT, '--external', PAYMENT];

  // Egress isolation, by hand:
  //   api: default-deny [Ingress, Egress] isolates cart and catalog; web: default-deny isolates both frontends.
  //   data (default-deny-ingress is [Ingress] only), monitoring (prometheus-ui is [Ingress]), kube-system and
  //   default (no policies) do not isolate egress; externals and the hostNetwork node-exporter never are.
  // So these sources may send anywhere a destination accepts:
  const OPEN_SOURCES = [PG, REDIS, TOOLBOX, DNS, NODE_EXP, PROM, CLIENT, PAYMENT];
  // Ingress isolation: default-deny in api and web, default-deny-ingress in data, prometheus-ui in monitoring
  // isolate cart, catalog, postgres, redis, both frontends and prometheus. Open destinations:
  const OPEN_DESTINATIONS = [TOOLBOX, DNS, NODE_EXP, CLIENT, PAYMENT];

  /** The allowed set of one port: open sources to open destinations, self, and the port's own extra pairs. */
  function allowedWith(extra: readonly (readonly [string, string])[]): Allowed {
    const out: Record<string, string[]> = {};
    for (const src of endpoints) {
      const to = new Set<string>([src]);
      if (OPEN_SOURCES.includes(src)) for (const d of OPEN_DESTINATIONS) to.add(d);
      for (const [s, d] of extra) if (s === src) to.add(d);
      out[src] = endpoints.filter((e) => to.has(e));
    }
    return out;
  }
  const from = (srcs: readonly string[], dst: string) => srcs.map((s) => [s, dst] as const);

  // The policies name every port by number (the pods still name theirs; a policy's number is the same
  // whatever the destination pod calls it).
  const PROM_RANGE = [[PROM, PG], [PROM, REDIS]] as const; // data/allow-prometheus: 9100-9199 into postgres, redis
  const expected: Record<string, Allowed> = {
    // web/allow-dns (matchLabels k8s-app=kube-dns) and api/allow-dns (k8s-app In [kube-dns], one value: the same
    // set): the isolated cart, catalog and frontends may reach coredns (namespace kube-system AND
    // k8s-app=kube-dns) on 53/UDP and 53/TCP; coredns is not isolated.
    '53/TCP': allowedWith(from([CART, CATALOG, FA, FB], DNS)),
    '53/UDP': allowedWith(from([CART, CATALOG, FA, FB], DNS)),
    // data/postgres-from-catalog: catalog (namespace tier=api, app=catalog) into postgres on 5432, and
    // api/catalog-egress lets catalog out to app=postgres in tier=data on 5432.
    '5432/TCP': allowedWith([[CATALOG, PG]]),
    // data/redis-from-cart on 6379 and api/cart-egress to app=redis in tier=data on 6379.
    '6379/TCP': allowedWith([[CART, REDIS]]),
    // web/frontend: ingress from ipBlock 0.0.0.0/0 on 8080, so every IPv4 source whose own egress is open reaches
    // both frontends (pod addresses, the hostNetwork node and externals alike); the frontends themselves are
    // egress-isolated and do not reach each other (their egress goes to tier=backend pods only).
    // web/frontend egress (namespace tier=api AND tier In [backend]: cart and catalog) on 8080-8081, and
    // api/backend-from-frontend (into tier=backend from app=frontend pods of tier=web namespaces) on 8080-8081:
    // both frontends reach both backends on 8080, whatever port each backend itself calls "http".
    '8080/TCP': allowedWith([...from(OPEN_SOURCES, FA), ...from(OPEN_SOURCES, FB), [FA, CART], [FB, CART], [FA, CATALOG], [FB, CATALOG]]),
    // The same two rules' range covers 8081; the frontends' ipBlock rule is on 8080 only.
    '8081/TCP': allowedWith([[FA, CART], [FB, CART], [FA, CATALOG], [FB, CATALOG]]),
    // api/allow-prometheus: prometheus (namespace monitoring AND app=prometheus) into cart and catalog on 9090
    // (prometheus' egress is open). monitoring/prometheus-ui: into prometheus on 9090 from namespaces that have a
    // team label other than storefront: monitoring (platform; prometheus itself) and default (sre: toolbox).
    // kube-system has no team label (Exists fails), web/api/data are storefront, the hostNetwork node-exporter
    // and externals match no namespaceSelector. 9090 is outside data's 9100-9199 and web's 9113.
    '9090/TCP': allowedWith([[PROM, CART], [PROM, CATALOG], [TOOLBOX, PROM]]),
    // node-exporter is on the host network: open both ways, reached like any open destination. data's range
    // 9100-9199 holds 9100 too: prometheus reaches postgres and redis on it.
    '9100/TCP': allowedWith(PROM_RANGE),
    // web/allow-prometheus on 9113 into both frontends; data's range too.
    '9113/TCP': allowedWith([[PROM, FA], [PROM, FB], ...PROM_RANGE]),
    // data/allow-prometheus, 9100-9199: redis' exporter (9121), and postgres on the same range.
    '9121/TCP': allowedWith(PROM_RANGE),
    // coredns' metrics: kube-system has no policies, so only the open pairs; and data's range.
    '9153/TCP': allowedWith(PROM_RANGE),
    // data/allow-prometheus, 9100-9199: postgres' exporter (9187), and redis on the same range.
    '9187/TCP': allowedWith(PROM_RANGE),
    // Not declared by any pod: api/cart-egress lets cart reach 198.51.100.0/24 on 443.
    '443/TCP': allowedWith([[CART, PAYMENT]]),
  };

  it('without --port, the ports are every container port live pods declare, by number then protocol', async () => {
    const ms = await reach(args);
    assert.deepEqual([...ms.keys()], ['53/TCP', '53/UDP', '5432/TCP', '6379/TCP', '8080/TCP', '8081/TCP', '9090/TCP', '9100/TCP', '9113/TCP', '9121/TCP', '9153/TCP', '9187/TCP']);
    for (const [port, m] of ms) assertMatrix(m.matrix, m.order, endpoints, expected[port], port);
  });

  it('443/TCP on request: only cart reaches the payment provider beyond the open pairs', async () => {
    const m = (await reach([...args, '--port', '443/TCP'])).get('443/TCP')!;
    assertMatrix(m.matrix, m.order, endpoints, expected['443/TCP'], '443/TCP');
  });
});

describe('examples/named-ports: one name, different numbers and protocols; a multi-value In', () => {
  const COLLECTOR = 'ops/collector-0'; // stats=8125/TCP
  const PROM = 'ops/prometheus-0'; // web=9090
  const STATSD = 'ops/statsd-0'; // stats=8125/UDP
  const API = 'store/api-0'; // http=8000, metrics=9090
  const WEB = 'store/web-0'; // http=8080, metrics=9113
  const CLIENT = '203.0.113.10'; // somewhere on the internet
  const endpoints = [COLLECTOR, PROM, STATSD, API, WEB, CLIENT];
  const args = ['-f', 'examples/named-ports', '--external', CLIENT];

  // No policy has Egress in its policyTypes: every source's egress is open, so a connection passes exactly when
  // the destination's ingress allows it.
  // Ingress isolation: store/default-deny (podSelector {}) isolates api-0 and web-0; ops/allow-stats selects
  // app In (statsd, collector): statsd-0 and collector-0 (either value matches). prometheus-0 and the external
  // client are not isolated: everyone reaches them.
  const OPEN_DESTINATIONS = [PROM, CLIENT];
  /** Every source reaches the open destinations and itself, plus the port's own extra [source, destination] pairs. */
  function allowedWith(extra: readonly (readonly [string, string])[]): Allowed {
    return Object.fromEntries(endpoints.map((src) => [src, endpoints.filter((d) =>
      d === src || OPEN_DESTINATIONS.includes(d) || extra.some(([s, x]) => s === src && x === d))]));
  }

  const expected: Record<string, Allowed> = {
    // store/api-from-web: from podSelector app=web (namespace store: web-0) on "http", which is 8000 on api-0.
    // web-0's own "http" is 8080, but the name resolves on the destination.
    '8000/TCP': allowedWith([[WEB, API]]),
    // store/web-ingress: ipBlock 0.0.0.0/0 (pod addresses included) on "http" = 8080 on web-0: every IPv4 source.
    // api-0's "http" is 8000, so api-from-web does not open api-0 on 8080.
    '8080/TCP': allowedWith([[COLLECTOR, WEB], [PROM, WEB], [STATSD, WEB], [API, WEB], [CLIENT, WEB]]),
    // ops/allow-stats names "stats" with protocol UDP: statsd-0's "stats" is 8125/UDP; collector-0's "stats" is
    // TCP, so no port of the rule is 8125/TCP on any pod; both stay isolated on TCP.
    '8125/TCP': allowedWith([]),
    // On 8125/UDP the rule lets the store namespace (team=storefront: api-0, web-0) into statsd-0 only;
    // collector-0 has no UDP "stats" and stays shut.
    '8125/UDP': allowedWith([[API, STATSD], [WEB, STATSD]]),
    // store/allow-metrics: prometheus (namespace ops AND app=prometheus) on "metrics", which is 9090 on api-0
    // (and 9113 on web-0). prometheus' own "web" 9090 is open to all: no policy selects it.
    '9090/TCP': allowedWith([[PROM, API]]),
    // "metrics" is 9113 on web-0.
    '9113/TCP': allowedWith([[PROM, WEB]]),
  };

  it('without --port, every declared container port; each named port resolves on its destination pod', async () => {
    const ms = await reach(args);
    assert.deepEqual([...ms.keys()], ['8000/TCP', '8080/TCP', '8125/TCP', '8125/UDP', '9090/TCP', '9113/TCP']);
    for (const [port, m] of ms) assertMatrix(m.matrix, m.order, endpoints, expected[port], port);
  });
});

describe('examples/dual-stack: an ipBlock per family, each with an except', () => {
  const ADMIN = 'edge/admin';
  const GW = 'edge/gateway';
  const LEGACY = 'edge/legacy'; // IPv4 only
  const open = (eps: readonly string[], gwFrom: readonly string[]): Allowed =>
    Object.fromEntries(eps.map((s) => [s, eps.filter((d) => d !== GW || s === GW || gwFrom.includes(s))]));

  it('IPv4: 0.0.0.0/0 except 10.0.0.0/8 on 443 (the gateway\'s "https"); admin on every port', async () => {
    const eps = [ADMIN, GW, LEGACY, '10.9.9.9', '198.51.100.1'];
    const ms = await reach(['-f', 'examples/dual-stack', '--family', '4', '--port', '443', '--port', '22',
      '--external', '10.9.9.9', '--external', '198.51.100.1', '--external', '2001:db8::1']);
    // gateway-ingress isolates gateway for ingress. Rule 0: ipBlock 0.0.0.0/0 except 10.0.0.0/8 on 443/TCP:
    // 198.51.100.1 matches; the pods (10.50.0.0/24) and 10.9.9.9 are excepted. Rule 1: podSelector app=admin, no
    // ports: admin on every port. Nobody is egress-isolated; nobody else is ingress-isolated.
    assertMatrix(ms.get('443/TCP')!.matrix, ms.get('443/TCP')!.order, eps, open(eps, [ADMIN, '198.51.100.1']), '443/TCP');
    assertMatrix(ms.get('22/TCP')!.matrix, ms.get('22/TCP')!.order, eps, open(eps, [ADMIN]), '22/TCP');
  });

  it('IPv6: ::/0 except fd00::/8; legacy has no IPv6 address and is no endpoint', async () => {
    const eps = [ADMIN, GW, '2001:db8::1', 'fd12::1'];
    const ms = await reach(['-f', 'examples/dual-stack', '--family', '6', '--port', '443', '--port', '22',
      '--external', '2001:db8::1', '--external', 'fd12::1']);
    // Rule 0's second peer, ipBlock ::/0 except fd00::/8: 2001:db8::1 matches; fd12::1 and the pods' fd00:50::
    // addresses are excepted. Rule 1 again lets admin in on every port.
    assertMatrix(ms.get('443/TCP')!.matrix, ms.get('443/TCP')!.order, eps, open(eps, [ADMIN, '2001:db8::1']), '443/TCP');
    assertMatrix(ms.get('22/TCP')!.matrix, ms.get('22/TCP')!.order, eps, open(eps, [ADMIN]), '22/TCP');
  });
});
