// The Application category as NSX shows it: security policies in evaluation order (a virtualized, server-paged
// table), each opening into its rules with sources, destinations, services, Applied To, action, direction,
// tags, the NetworkPolicy rule it came from, realization per cluster and rule statistics when reported.
import { api, listAll, qs } from '../api.js';
import { h, replace, field, errorBox } from '../dom.js';
import { virtualTable } from '../virtual-table.js';

const STATE = { realized: '✓ realized', pending: '… pending', error: '✗ error' };
const GROUPS = '/infra/domains/default/groups/';
const CLUSTER = '/cluster-control-planes/';

/** Realization per cluster: symbol, word and cluster. */
export function realizationText(list) {
  if (!list || list.length === 0) return h('span', { class: 'muted' }, '– none reported');
  return list.map((r) => h('span', { class: `state ${r.state}`, title: r.message || undefined }, `${STATE[r.state] ?? r.state} (${r.cluster})`));
}

/** Where an object came from: `namespace/name`, and for a rule its Kubernetes rule. */
export function originText(o) {
  if (!o) return h('span', { class: 'muted' }, '–');
  const rule = o.direction ? ` spec.${o.direction === 'Ingress' ? 'ingress' : 'egress'}[${o.ruleIndex}]` : '';
  return `${o.namespace}/${o.policyName}${rule}`;
}

/** A list of paths (groups, clusters, ANY) as links to groups and plain names. */
function pathsText(paths, names) {
  if (!paths || paths.length === 0 || (paths.length === 1 && paths[0] === 'ANY')) return 'Any';
  return paths.map((p) => {
    if (p.startsWith(GROUPS)) {
      const id = p.slice(GROUPS.length);
      return h('a', { href: `#/groups${qs({ id })}`, class: 'chip' }, names?.[p] ?? id);
    }
    if (p.includes(CLUSTER)) return h('span', { class: 'chip' }, `cluster ${p.slice(p.indexOf(CLUSTER) + CLUSTER.length)}`);
    return h('span', { class: 'chip' }, p);
  });
}

function servicesText(rule) {
  const entries = rule.service_entries ?? [];
  if (entries.length === 0) return 'Any';
  return entries.map((e) => h('span', { class: 'chip' }, e.resource_type === 'NamedPortServiceEntry'
    ? `${e.l4_protocol} ${e.port_name}` : `${e.l4_protocol} ${(e.destination_ports ?? []).join(', ') || 'any port'}`));
}

function tagsText(tags) {
  if (!tags || tags.length === 0) return h('span', { class: 'muted' }, '–');
  return tags.map((t) => h('span', { class: 'chip tag' }, `${t.scope}: ${t.tag}`));
}

export async function firewallPage(body, params) {
  // the table does not wait for the list of clusters: the select fills in when it arrives
  const cluster = h('select', { name: 'cluster' }, h('option', { value: '' }, 'every cluster'),
    params.cluster ? h('option', { value: params.cluster, selected: true }, params.cluster) : null);
  void listAll('/api/v1/fabric/container-clusters').then((clusters) => {
    for (const c of clusters) if (c.name !== params.cluster) cluster.append(h('option', { value: c.name }, c.name));
  }, () => undefined);
  const namespace = h('input', { name: 'namespace', value: params.namespace ?? '', placeholder: 'e.g. web' });
  const tag = h('input', { name: 'tag', value: params.tag ?? '', placeholder: 'scope|tag or tag' });
  const q = h('input', { name: 'q', type: 'search', value: params.q ?? '', placeholder: 'id or name' });
  const detail = h('section', { 'aria-labelledby': 'policy-title', class: 'detail' });

  const table = virtualTable({
    label: 'Security policies of the Application category, in evaluation order',
    height: 400,
    fetchPage: (offset, limit) => api('GET', `/api/v1/console/security-policies${qs({ cluster: cluster.value, namespace: namespace.value.trim(), tag: tag.value.trim(), q: q.value.trim(), offset, limit })}`),
    columns: [
      { title: '#', width: '4em', render: (p) => p.position },
      { title: 'Policy', width: '30%', render: (p) => h('span', { title: p.id }, p.display_name) },
      { title: 'Seq.', width: '5em', render: (p) => p.sequence_number },
      { title: 'Rules', width: '5em', render: (p) => p.rule_count },
      { title: 'From NetworkPolicy', render: (p) => originText(p.origin) },
      { title: 'Realization', render: (p) => realizationText(p.realization) },
    ],
    onActivate: (p) => void openPolicy(detail, p.id),
  });
  let timer;
  const refilter = () => {
    clearTimeout(timer);
    timer = setTimeout(() => table.reload(), 250);
  };
  for (const c of [namespace, tag, q]) c.addEventListener('input', refilter);
  cluster.addEventListener('change', () => table.reload());
  body.append(
    h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter security policies', onsubmit: (e) => { e.preventDefault(); table.reload(); } },
      field('Cluster', cluster), field('Namespace', namespace), field('Tag', tag), field('Search', q)),
    table.element, detail);
  if (params.policy) await openPolicy(detail, params.policy);
}

async function openPolicy(section, id) {
  replace(section, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const p = await api('GET', `/api/v1/console/security-policies/${encodeURIComponent(id)}`);
    const names = p.group_names;
    const rows = p.rules.map((r) => h('tr', {},
      h('th', { scope: 'row' }, r.display_name, h('div', { class: 'muted small' }, r.id)),
      h('td', {}, pathsText(r.source_groups, names)),
      h('td', {}, pathsText(r.destination_groups, names)),
      h('td', {}, servicesText(r)),
      h('td', {}, pathsText((r.scope ?? []).length && !(r.scope.length === 1 && r.scope[0] === 'ANY') ? r.scope : p.scope, names)),
      h('td', {}, h('span', { class: `action ${String(r.action).toLowerCase()}` }, r.action === 'ALLOW' ? '✓ Allow' : r.action === 'DROP' ? '✗ Drop' : `✗ ${r.action}`)),
      h('td', {}, r.direction === 'IN_OUT' ? 'In & Out' : r.direction === 'IN' ? 'In' : 'Out'),
      h('td', {}, tagsText(r.tags)),
      h('td', {}, originText(r.origin)),
      h('td', {}, r.statistics ? `${r.statistics.hit_count ?? 0} hits` : h('span', { class: 'muted' }, 'not reported'))));
    replace(section,
      h('h2', { id: 'policy-title', tabindex: -1 }, p.display_name),
      h('dl', { class: 'facts' },
        h('dt', {}, 'ID'), h('dd', {}, p.id),
        h('dt', {}, 'Category, sequence'), h('dd', {}, `${p.category} #${p.sequence_number}`),
        h('dt', {}, 'Applied To'), h('dd', {}, pathsText(p.scope, names)),
        h('dt', {}, 'From NetworkPolicy'), h('dd', {}, originText(p.origin)),
        h('dt', {}, 'Tags'), h('dd', {}, tagsText(p.tags)),
        h('dt', {}, 'Realization'), h('dd', {}, realizationText(p.realization)),
        h('dt', {}, 'Revision'), h('dd', {}, p._revision)),
      h('table', { class: 'grid rules' },
        h('caption', {}, `Rules of ${p.display_name}, in order`),
        h('thead', {}, h('tr', {}, ['Rule', 'Sources', 'Destinations', 'Services', 'Applied To', 'Action', 'Direction', 'Tags', 'From NetworkPolicy rule', 'Statistics'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows)));
    section.querySelector('#policy-title')?.focus();
  } catch (e) {
    replace(section, errorBox(e));
  }
}
