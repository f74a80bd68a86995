// Groups: their criteria and their effective members (pods with namespace, labels and IPs), searchable.
import { api, qs } from '../api.js';
import { h, replace, field, errorBox } from '../dom.js';
import { virtualTable } from '../virtual-table.js';
import { originText } from './firewall.js';

/** A group's criteria in words: `Namespace Name EQUALS web AND Pod Tag EQUALS app|api`. */
export function criteriaText(expression) {
  const one = (e) => {
    switch (e.resource_type) {
      case 'Condition': return `${e.member_type} ${e.key} ${e.operator} ${e.value}`;
      case 'ConjunctionOperator': return e.conjunction_operator;
      case 'NestedExpression': return `(${e.expressions.map(one).join(' ')})`;
      case 'IPAddressExpression': return `IP addresses ${e.ip_addresses.join(', ')}`;
      default: return String(e.resource_type);
    }
  };
  return (expression ?? []).map(one).join(' ') || 'no criteria (no members)';
}

export async function groupsPage(body, params) {
  const q = h('input', { name: 'q', type: 'search', value: params.q ?? '', placeholder: 'id or name' });
  const namespace = h('input', { name: 'namespace', value: params.namespace ?? '', placeholder: 'e.g. web' });
  const detail = h('section', { class: 'detail', 'aria-labelledby': 'group-title' });
  const table = virtualTable({
    label: 'Groups',
    height: 300,
    fetchPage: (offset, limit) => api('GET', `/api/v1/console/groups${qs({ q: q.value.trim(), namespace: namespace.value.trim(), offset, limit })}`),
    columns: [
      { title: 'Group', width: '38%', render: (g) => h('span', { title: g.id }, g.display_name) },
      { title: 'From NetworkPolicy', width: '22%', render: (g) => originText(g.origin) },
      { title: 'Criteria', render: (g) => criteriaText(g.expression) },
    ],
    onActivate: (g) => void openGroup(detail, g.id),
  });
  let timer;
  for (const c of [q, namespace]) c.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => table.reload(), 250); });
  body.append(h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter groups', onsubmit: (e) => { e.preventDefault(); table.reload(); } },
    field('Search', q), field('Namespace', namespace)), table.element, detail);
  if (params.id) await openGroup(detail, params.id);
}

async function openGroup(section, id) {
  replace(section, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const base = `/api/v1/console/groups/${encodeURIComponent(id)}/members`;
    const first = await api('GET', `${base}?limit=1`);
    const g = first.group;
    const search = h('input', { name: 'member-q', type: 'search', placeholder: 'namespace/name, IP or key=value' });
    const members = virtualTable({
      label: `Effective members of ${g.display_name}`,
      height: 320,
      fetchPage: (offset, limit) => api('GET', `${base}${qs({ q: search.value.trim(), offset, limit })}`),
      columns: [
        { title: 'Namespace', width: '16%', render: (m) => m.namespace },
        { title: 'Pod', width: '22%', render: (m) => m.name },
        { title: 'Labels', render: (m) => Object.entries(m.labels).map(([k, v]) => h('code', { class: 'chip' }, `${k}=${v}`)) },
        { title: 'IPs', width: '18%', render: (m) => m.ips.join(', ') },
        { title: 'Cluster', width: '10%', render: (m) => m.cluster },
      ],
    });
    let timer;
    search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => members.reload(), 250); });
    replace(section,
      h('h2', { id: 'group-title', tabindex: -1 }, g.display_name),
      h('dl', { class: 'facts' },
        h('dt', {}, 'ID'), h('dd', {}, g.id),
        h('dt', {}, 'Criteria'), h('dd', {}, h('code', {}, criteriaText(g.expression))),
        h('dt', {}, 'IP addresses'), h('dd', {}, first.ip_addresses.length ? first.ip_addresses.join(', ') : '–'),
        h('dt', {}, 'Clusters evaluated'), h('dd', {}, first.clusters.join(', ') || '–')),
      h('form', { class: 'filters', role: 'search', 'aria-label': 'Search members', onsubmit: (e) => { e.preventDefault(); members.reload(); } }, field('Search members', search)),
      members.element);
    section.querySelector('#group-title')?.focus();
  } catch (e) {
    replace(section, errorBox(e));
  }
}
