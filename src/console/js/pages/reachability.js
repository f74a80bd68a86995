// The reachability heatmap, computed on the server: namespaces by namespace (how many pod pairs each world
// allows), drilling into the pods of one pair; differences between the worlds are marked with Δ and a
// border, and every cell also carries numbers or ✓/✗ (colour is never the only signal). A pod cell opens
// the trace of that connection.
import { api, listAll, qs } from '../api.js';
import { h, replace, field, errorBox } from '../dom.js';

const SIZE = 30;

function shade(allowed, pairs) {
  if (pairs === 0 || allowed === 0) return 'none';
  return allowed === pairs ? 'all' : 'some';
}

function nsCell(c) {
  const delta = c.after - c.before;
  const mark = c.changed === 0 ? '' : delta > 0 ? ` ▲${c.changed}` : delta < 0 ? ` ▼${c.changed}` : ` Δ${c.changed}`;
  return { text: `${c.after}/${c.pairs}${mark}`, cls: `${shade(c.after, c.pairs)}${c.changed ? ' changed' : ''}` };
}

export async function reachabilityPage(body, params) {
  const clusters = await listAll('/api/v1/fabric/container-clusters');
  if (clusters.length === 0) {
    body.append(h('p', {}, 'No cluster has registered yet.'));
    return;
  }
  const p = { cluster: params.cluster || clusters[0].name, port: params.port || '80', protocol: params.protocol || 'TCP', src: params.src, dst: params.dst,
    r: Number(params.r) || 0, c: Number(params.c) || 0 };
  const cluster = h('select', { name: 'cluster' }, clusters.map((c) => h('option', { value: c.name, selected: c.name === p.cluster }, c.name)));
  const port = h('input', { name: 'port', type: 'number', min: 1, max: 65535, value: p.port, required: true });
  const protocol = h('select', { name: 'protocol' }, ['TCP', 'UDP', 'SCTP'].map((x) => h('option', { value: x, selected: x === p.protocol }, x)));
  const form = h('form', { class: 'filters', 'aria-label': 'Heatmap settings' },
    field('Cluster', cluster), field('Port', port), field('Protocol', protocol), h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/reachability${qs({ cluster: cluster.value, port: port.value, protocol: protocol.value })}`;
  });
  const out = h('div');
  body.append(form, h('p', { class: 'legend' },
    'Each cell: pod pairs allowed now / pod pairs. ▲n: n more pairs allowed now than before; ▼n: n fewer; Δn: n changed both ways. ',
    'Pods: ✓ allowed, ✗ denied; Δ marks a verdict that changed (the cell says what it was).'), out);
  try {
    const link = (extra) => `#/reachability${qs({ cluster: p.cluster, port: p.port, protocol: p.protocol, ...extra })}`;
    const map = await api('GET', `/api/v1/console/clusters/${encodeURIComponent(p.cluster)}/reachability${qs({
      port: p.port, protocol: p.protocol, source_namespace: p.src, destination_namespace: p.dst, row_offset: p.r, column_offset: p.c, size: SIZE })}`);
    const pods = map.level === 'pods';
    const title = pods ? `Pods of ${map.source_namespace} → pods of ${map.destination_namespace} on ${map.port}/${map.protocol}` : `Namespaces → namespaces on ${map.port}/${map.protocol}`;
    const head = h('tr', {}, h('th', { scope: 'col' }, pods ? 'from \\ to' : 'from \\ to'),
      map.columns.map((c) => h('th', { scope: 'col' }, h('span', { class: 'colhead' }, c.name), c.pods !== undefined ? h('div', { class: 'muted small' }, `${c.pods} pods`) : null)));
    const rows = map.rows.map((row, i) => h('tr', {},
      h('th', { scope: 'row' }, row.name, row.pods !== undefined ? h('span', { class: 'muted small' }, ` (${row.pods})`) : null),
      map.columns.map((col, j) => {
        const cell = map.cells[i][j];
        if (pods) {
          const now = cell.after ? '✓' : '✗';
          const text = cell.changed ? `${now} Δ (was ${cell.before ? '✓' : '✗'})` : now;
          const label = `${map.source_namespace}/${row.name} to ${map.destination_namespace}/${col.name}: ${cell.after ? 'allowed' : 'denied'} now, ${cell.before ? 'allowed' : 'denied'} before. Open the trace.`;
          return h('td', { class: `cell ${cell.after ? 'all' : 'none'}${cell.changed ? ' changed' : ''}` },
            h('a', { href: `#/trace${qs({ cluster: p.cluster, source: `${map.source_namespace}/${row.name}`, destination: `${map.destination_namespace}/${col.name}`, port: p.port, protocol: p.protocol })}`, 'aria-label': label }, text));
        }
        const x = nsCell(cell);
        const label = `${row.name} to ${col.name}: ${cell.after} of ${cell.pairs} pod pairs allowed now, ${cell.before} before, ${cell.changed} changed. Open the pods.`;
        return h('td', { class: `cell ${x.cls}` }, h('a', { href: link({ src: row.name, dst: col.name }), 'aria-label': label }, x.text));
      })));
    const t = map.totals;
    const nav = [];
    if (map.row_offset > 0) nav.push(h('a', { href: link({ src: p.src, dst: p.dst, r: Math.max(0, map.row_offset - SIZE), c: map.column_offset }) }, '↑ previous rows'));
    if (map.row_offset + map.rows.length < map.row_count) nav.push(h('a', { href: link({ src: p.src, dst: p.dst, r: map.row_offset + SIZE, c: map.column_offset }) }, '↓ next rows'));
    if (map.column_offset > 0) nav.push(h('a', { href: link({ src: p.src, dst: p.dst, r: map.row_offset, c: Math.max(0, map.column_offset - SIZE) }) }, '← previous columns'));
    if (map.column_offset + map.columns.length < map.column_count) nav.push(h('a', { href: link({ src: p.src, dst: p.dst, r: map.row_offset, c: map.column_offset + SIZE }) }, '→ next columns'));
    replace(out,
      h('h2', {}, title),
      pods ? h('p', {}, h('a', { href: link({}) }, '← back to namespaces')) : null,
      h('p', { class: 'summary' }, `Before: ${map.before}. Now: ${map.after}. `,
        h('strong', {}, t.changed === 0 ? `✓ No difference (${t.after} of ${t.pairs} pairs allowed in both).` : `Δ ${t.changed} of ${t.pairs} pairs differ (allowed before: ${t.before}, now: ${t.after}).`),
        pods ? ' (counts of this page)' : ''),
      h('p', { class: 'muted small' }, `Rows ${map.row_offset + 1}-${map.row_offset + map.rows.length} of ${map.row_count}, columns ${map.column_offset + 1}-${map.column_offset + map.columns.length} of ${map.column_count}.`),
      nav.length ? h('nav', { class: 'pager', 'aria-label': 'Heatmap pages' }, nav) : null,
      h('div', { class: 'heatmap-scroll' }, h('table', { class: 'heatmap' }, h('caption', { class: 'visually-hidden' }, title), h('thead', {}, head), h('tbody', {}, rows))));
  } catch (e) {
    replace(out, errorBox(e));
  }
}
