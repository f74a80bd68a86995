// Seed 000's import workflow in a few clicks: choose NetworkPolicies (a cluster, namespaces, or one by one),
// preview what they become (dry_run: the DFW groups and policies, the policies that cannot be converted and why,
// the verification of the state the import would leave), then import with ABORT or CONTINUE and read the answer.
import { api, listAll, may, me, qs } from '../api.js';
import { h, append, replace, field, errorBox, announce } from '../dom.js';
import { criteriaText } from './groups.js';

const IMPORT = '/policy/api/v1/infra/import-k8s-np-to-dfw';

/** The policies chosen, across clusters: uid -> `cluster namespace/name`. */
const chosen = new Map();

function npList(cluster, namespace) {
  return listAll(`/api/v1/fabric/container-network-policies${qs({ cluster, namespace })}`);
}

export async function importPage(body, params) {
  const clusters = await listAll('/api/v1/fabric/container-clusters');
  if (clusters.length === 0) {
    body.append(h('p', {}, 'No cluster has registered yet.'));
    return;
  }
  const canImport = may('policy.write');
  const selected = params.cluster && clusters.some((c) => c.name === params.cluster) ? params.cluster : clusters[0].name;
  const cluster = h('select', { name: 'cluster' }, clusters.map((c) => h('option', { value: c.name, selected: c.name === selected }, c.name)));
  cluster.addEventListener('change', () => { location.hash = `#/import${qs({ cluster: cluster.value })}`; });
  const count = h('p', { class: 'chosen', 'aria-live': 'polite' });
  const picker = h('div');
  const result = h('section', { class: 'detail', 'aria-labelledby': 'result-title' });
  const showCount = () => {
    replace(count, `${chosen.size} NetworkPolic${chosen.size === 1 ? 'y' : 'ies'} chosen`,
      chosen.size ? h('span', { class: 'muted small' }, `: ${[...chosen.values()].slice(0, 6).join(', ')}${chosen.size > 6 ? ', …' : ''}`) : null);
  };
  const buttons = {
    preview: h('button', { type: 'button', disabled: !canImport }, 'Preview (nothing is written)'),
    abort: h('button', { type: 'button', disabled: !canImport, class: 'primary' }, 'Import: ABORT on any failure'),
    cont: h('button', { type: 'button', disabled: !canImport }, 'Import: CONTINUE past failures'),
    clear: h('button', { type: 'button', class: 'link' }, 'Clear the choice'),
  };
  const run = async (mode) => {
    if (chosen.size === 0) {
      replace(result, errorBox('Choose at least one NetworkPolicy first.'));
      return;
    }
    replace(result, h('p', { class: 'muted' }, mode === 'preview' ? 'Converting and verifying…' : 'Importing…'));
    try {
      const onError = mode === 'abort' ? 'ABORT' : 'CONTINUE';
      const r = await api('POST', `${IMPORT}${qs({ on_error: onError, dry_run: mode === 'preview' ? 'true' : undefined })}`, { network_policy_ids: [...chosen.keys()] });
      showResult(result, r, mode);
      if (mode !== 'preview' && r.success_count > 0) {
        chosen.clear();
        showCount();
        await namespaces(picker, cluster.value, showCount);
      }
    } catch (e) {
      replace(result, errorBox(e));
    }
  };
  buttons.preview.addEventListener('click', () => void run('preview'));
  buttons.abort.addEventListener('click', () => void run('abort'));
  buttons.cont.addEventListener('click', () => void run('continue'));
  buttons.clear.addEventListener('click', () => { chosen.clear(); showCount(); void namespaces(picker, cluster.value, showCount); });
  append(body, [
    h('ol', { class: 'steps' },
      h('li', {}, 'Check that the NetworkPolicy counts match ', h('code', {}, 'kubectl get networkpolicies -n NAMESPACE'), ' (Inventory page).'),
      h('li', {}, 'Choose policies: a whole cluster, whole namespaces, or one by one.'),
      h('li', {}, 'Preview: the DFW groups and policies they become, what cannot be converted and why, and the verification.'),
      h('li', {}, 'Import with ABORT (nothing is written if any policy fails) or CONTINUE (the others are imported).')),
    canImport ? null : h('p', { class: 'note', role: 'note' }, `ⓘ Your role (${me().role_name}) may read everything but not import: the preview and the import need Enterprise Admin or Security Admin.`),
    h('div', { class: 'filters' }, field('Cluster', cluster)),
    picker, count,
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Import actions' }, buttons.preview, buttons.abort, buttons.cont, buttons.clear),
    result]);
  showCount();
  await namespaces(picker, selected, showCount);
}

async function namespaces(container, cluster, changed) {
  const nss = (await api('GET', `/api/v1/fabric/container-clusters/${encodeURIComponent(cluster)}/namespaces`)).results.filter((n) => n.network_policy_count > 0);
  const all = h('button', { type: 'button' }, `Choose every NetworkPolicy of ${cluster}`);
  all.addEventListener('click', async () => {
    for (const p of await npList(cluster)) if (!p.imported) chosen.set(p.uid, `${cluster} ${p.namespace}/${p.name}`);
    changed();
    await namespaces(container, cluster, changed);
    announce(`${chosen.size} policies chosen`);
  });
  const rows = nss.map((ns) => {
    const box = h('input', { type: 'checkbox', 'aria-label': `every NetworkPolicy of namespace ${ns.name}` });
    const list = h('div', { class: 'nplist' });
    const one = h('details', {}, h('summary', {}, `choose one by one (${ns.network_policy_count})`), list);
    let loaded;
    const load = async () => {
      loaded ??= npList(cluster, ns.name);
      return loaded;
    };
    const sync = async () => {
      const ps = (await load()).filter((p) => !p.imported);
      box.checked = ps.length > 0 && ps.every((p) => chosen.has(p.uid));
      box.indeterminate = !box.checked && ps.some((p) => chosen.has(p.uid));
    };
    box.addEventListener('change', async () => {
      for (const p of await load()) {
        if (p.imported) continue;
        if (box.checked) chosen.set(p.uid, `${cluster} ${p.namespace}/${p.name}`);
        else chosen.delete(p.uid);
      }
      for (const c of list.querySelectorAll('input[type=checkbox]')) c.checked = box.checked && !c.disabled;
      changed();
    });
    one.addEventListener('toggle', async () => {
      if (!one.open || list.childElementCount) return;
      for (const p of await load()) {
        const c = h('input', { type: 'checkbox', checked: chosen.has(p.uid), disabled: Boolean(p.imported), value: p.uid });
        c.addEventListener('change', () => {
          if (c.checked) chosen.set(p.uid, `${cluster} ${p.namespace}/${p.name}`);
          else chosen.delete(p.uid);
          void sync();
          changed();
        });
        list.append(h('label', { class: 'check' }, c, ` ${p.name} `, h('span', { class: 'muted small' }, p.uid),
          p.imported ? h('span', { class: 'badge' }, '⇪ imported already') : null));
      }
    });
    void sync();
    return h('tr', {}, h('td', {}, box), h('th', { scope: 'row' }, ns.name), h('td', { class: 'num' }, ns.network_policy_count), h('td', {}, one));
  });
  replace(container,
    h('p', {}, all),
    h('table', { class: 'grid' }, h('caption', { class: 'visually-hidden' }, `Namespaces of ${cluster} with NetworkPolicies`),
      h('thead', {}, h('tr', {}, ['Whole namespace', 'Namespace', 'NetworkPolicies', 'One by one'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)));
}

function verificationView(list) {
  if (!list || list.length === 0) return h('p', { class: 'muted' }, 'No cluster to verify.');
  return list.map((v) => h('div', { class: `verification ${v.equivalent ? 'same' : 'differs'}` },
    h('h4', {}, v.equivalent ? `✓ ${v.cluster}: equivalent` : v.error ? `⚠ ${v.cluster}: the verification could not run` : `Δ ${v.cluster}: ${v.differences} connection${v.differences === 1 ? '' : 's'} would change verdict`),
    h('p', { class: 'muted small' }, v.error ?? v.summary),
    v.counterexamples.length ? h('table', { class: 'grid' },
      h('caption', {}, `Connections that change in ${v.cluster}${v.counterexamples.length < v.differences ? ` (the first ${v.counterexamples.length})` : ''}`),
      h('thead', {}, h('tr', {}, ['Source', 'Destination', 'Port', 'Kubernetes', 'DFW', 'Trace'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, v.counterexamples.map((x) => h('tr', {},
        h('td', {}, x.source), h('td', {}, x.destination), h('td', {}, `${x.port}/${x.protocol}`),
        h('td', { title: x.kubernetes_decided_by }, x.kubernetes === 'allowed' ? '✓ allowed' : '✗ denied'),
        h('td', { title: x.dfw_decided_by }, x.dfw === 'allowed' ? '✓ allowed' : '✗ denied'),
        h('td', {}, h('a', { href: `#/trace${qs({ cluster: v.cluster, source: x.source, destination: x.destination, port: x.port, protocol: x.protocol })}` }, 'trace')))))) : null));
}

function showResult(section, r, mode) {
  const title = mode === 'preview' ? 'Preview (nothing was written)' : `Import with ${mode === 'abort' ? 'ABORT' : 'CONTINUE'}: response`;
  const failed = r.errors.length + r.errors_general.length;
  const headline = mode === 'preview'
    ? `${r.success_count} of ${r.request_count} would be imported with CONTINUE; ${r.errors.length} cannot be${r.errors.length ? ' (with ABORT nothing would be imported)' : ''}.`
    : `${r.success_count} of ${r.request_count} imported; ${failed} error${failed === 1 ? '' : 's'}.`;
  const preview = r.preview;
  replace(section,
    h('h2', { id: 'result-title', tabindex: -1 }, title),
    h('p', { class: `banner ${failed ? 'differs' : 'same'}`, role: 'status' }, failed ? `⚠ ${headline}` : `✓ ${headline}`),
    r.errors.length ? h('table', { class: 'grid errors' }, h('caption', {}, 'Policies that cannot be imported'),
      h('thead', {}, h('tr', {}, ['NetworkPolicy', 'Code', 'Why'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, r.errors.flatMap((e) => e.errors.map((x) => h('tr', {},
        h('td', {}, chosen.get(e.network_policy_id) ?? e.network_policy_id), h('td', {}, h('code', {}, x.error_code)), h('td', {}, x.error_message)))))) : null,
    r.errors_general.length ? h('ul', { class: 'errors' }, r.errors_general.flatMap((e) => e.errors.map((x) => h('li', {}, h('code', {}, x.error_code), ' ', x.error_message)))) : null,
    h('h3', {}, 'Verification'), verificationView(r.verification),
    preview ? h('div', {},
      h('h3', {}, `DFW security policies they become (${preview.security_policies.length})`),
      h('table', { class: 'grid' }, h('caption', { class: 'visually-hidden' }, 'Security policies of the preview'),
        h('thead', {}, h('tr', {}, ['Policy', 'Seq.', 'Rules'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, preview.security_policies.map((p) => h('tr', {}, h('td', {}, p.display_name), h('td', { class: 'num' }, p.sequence_number),
          h('td', {}, p.rules.map((x) => h('div', {}, `${x.action === 'ALLOW' ? '✓' : '✗'} ${x.display_name}: ${x.action} ${x.direction}`))))))),
      h('h3', {}, `Groups (${preview.groups.length})`),
      h('table', { class: 'grid' }, h('caption', { class: 'visually-hidden' }, 'Groups of the preview'),
        h('thead', {}, h('tr', {}, ['Group', 'Criteria'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, preview.groups.map((g) => h('tr', {}, h('td', {}, g.display_name), h('td', {}, h('code', {}, criteriaText(g.expression)))))))) : null,
    mode !== 'preview' && r.success_count > 0 ? h('p', {}, h('a', { href: '#/firewall' }, 'Open the firewall table'), ' · ', h('a', { href: '#/reachability' }, 'Compare reachability before and now')) : null);
  section.querySelector('#result-title')?.focus();
}
