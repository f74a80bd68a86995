// Clusters (adapter health, last report), their namespaces with the NetworkPolicy count seed 000 asks to compare
// with `kubectl get networkpolicies -n NS`, and a namespace's policies as YAML and in words.
import { api, listAll, qs } from '../api.js';
import { h, replace, when, errorBox } from '../dom.js';

const HEALTH = { HEALTHY: '✓ healthy', DEGRADED: '! degraded', DOWN: '✗ down', UNKNOWN: '? unknown' };

/** The adapter's health as a symbol and a word (never colour alone). */
export function healthText(c) {
  if (!c.health) return h('span', { class: 'muted' }, '– no report');
  return h('span', { class: `health ${c.health.status.toLowerCase()}` }, HEALTH[c.health.status] ?? c.health.status);
}

export async function inventoryPage(body, params) {
  const clusters = await listAll('/api/v1/fabric/container-clusters');
  if (clusters.length === 0) {
    body.append(h('p', {}, 'No cluster has registered yet. An adapter registers with PUT /api/v1/fabric/container-clusters/{name}, or run ',
      h('code', {}, 'np2dfw inventory push --cluster NAME -f FILES'), '.'));
    return;
  }
  const selected = params.cluster && clusters.some((c) => c.name === params.cluster) ? params.cluster : clusters[0].name;
  const detail = h('section', { 'aria-labelledby': 'ns-title' });
  const rows = clusters.map((c) => h('tr', { 'aria-current': c.name === selected ? 'true' : undefined },
    h('th', { scope: 'row' }, h('a', { href: `#/inventory${qs({ cluster: c.name })}` }, c.name)),
    h('td', {}, healthText(c), c.health ? h('div', { class: 'muted small' }, when(c.health.reported_at)) : null),
    h('td', {}, when(c.last_report_at)),
    h('td', { class: 'num' }, c.counts?.Namespace ?? 0),
    h('td', { class: 'num' }, c.counts?.Pod ?? 0),
    h('td', { class: 'num' }, c.counts?.NetworkPolicy ?? 0)));
  body.append(
    h('section', { 'aria-labelledby': 'clusters-title' },
      h('h2', { id: 'clusters-title' }, 'Clusters'),
      h('table', { class: 'grid' },
        h('caption', { class: 'visually-hidden' }, 'Registered clusters'),
        h('thead', {}, h('tr', {}, ['Cluster', 'Adapter health', 'Last inventory report', 'Namespaces', 'Pods', 'NetworkPolicies'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows))),
    detail);
  await namespaces(detail, selected, params.namespace);
}

async function namespaces(section, cluster, openNs) {
  const r = await api('GET', `/api/v1/fabric/container-clusters/${encodeURIComponent(cluster)}/namespaces`);
  const policies = h('div', { id: 'ns-policies' });
  const open = async (ns, button) => {
    for (const b of section.querySelectorAll('button[aria-pressed]')) b.setAttribute('aria-pressed', 'false');
    button?.setAttribute('aria-pressed', 'true');
    await namespacePolicies(policies, cluster, ns);
  };
  const rows = r.results.map((ns) => {
    const b = h('button', { type: 'button', class: 'link', 'aria-pressed': 'false', 'aria-label': `${ns.network_policy_count} NetworkPolicies in namespace ${ns.name}: show them` }, String(ns.network_policy_count));
    b.addEventListener('click', () => void open(ns.name, b));
    return h('tr', {},
      h('th', { scope: 'row' }, ns.name, ns.declared ? null : h('span', { class: 'muted small' }, ' (not reported as a Namespace)')),
      h('td', { class: 'num' }, b),
      h('td', { class: 'num' }, ns.pod_count),
      h('td', { class: 'labels' }, Object.entries(ns.labels).filter(([k]) => k !== 'kubernetes.io/metadata.name').map(([k, v]) => h('code', {}, `${k}=${v}`))));
  });
  replace(section,
    h('h2', { id: 'ns-title' }, `Namespaces of ${cluster}`),
    h('p', { class: 'muted' }, 'The NetworkPolicy count is what ', h('code', {}, 'kubectl get networkpolicies -n NAMESPACE'), ' lists (imported policies count until the adapter removes them).'),
    h('table', { class: 'grid' },
      h('caption', { class: 'visually-hidden' }, `Namespaces of cluster ${cluster}`),
      h('thead', {}, h('tr', {}, ['Namespace', 'NetworkPolicies', 'Pods', 'Labels'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)),
    policies);
  if (openNs) await open(openNs, undefined);
}

async function namespacePolicies(container, cluster, ns) {
  replace(container, h('p', { class: 'muted' }, 'Loading…'));
  const list = h('div', { class: 'policies' });
  const more = h('div');
  let offset = 0;
  const load = async () => {
    try {
      const r = await api('GET', `/api/v1/console/clusters/${encodeURIComponent(cluster)}/network-policies${qs({ namespace: ns, offset, limit: 50 })}`);
      for (const p of r.results) {
        list.append(h('details', { class: 'policy' },
          h('summary', {}, h('strong', {}, `${p.namespace}/${p.name}`), ' ', h('span', { class: 'muted small' }, `uid ${p.uid}`),
            p.imported ? h('span', { class: 'badge' }, `⇪ imported, removal ${p.imported.removal}`) : null),
          h('div', { class: 'two' },
            h('div', {}, h('h4', {}, 'In words'), h('ul', {}, p.summary.map((l) => h('li', {}, l)))),
            h('div', {}, h('h4', {}, 'YAML'), h('pre', { tabindex: 0, 'aria-label': `YAML of ${p.namespace}/${p.name}` }, p.yaml)))));
      }
      offset += r.results.length;
      replace(more, offset < r.result_count ? h('button', { type: 'button', onclick: () => void load() }, `Show more (${r.result_count - offset} left)`) : null);
    } catch (e) {
      replace(more, errorBox(e));
    }
  };
  replace(container, h('h3', { id: 'pol-title', tabindex: -1 }, `NetworkPolicies of ${cluster}/${ns}`), list, more);
  await load();
  container.querySelector('#pol-title')?.focus();
}
