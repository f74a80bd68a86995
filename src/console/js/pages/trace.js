// One connection in both worlds: what Kubernetes decides (the NetworkPolicies) and what the firewall decides
// now (DFW, then the NetworkPolicies not imported), each direction with what decided it.
import { api, listAll, qs } from '../api.js';
import { h, replace, field, errorBox } from '../dom.js';

function verdict(allowed) {
  return h('span', { class: `verdict ${allowed ? 'allowed' : 'denied'}` }, allowed ? '✓ allowed' : '✗ denied');
}

function world(title, w) {
  const dir = (name, d) => h('div', { class: 'direction' },
    h('h4', {}, `${name}: `, verdict(d.allowed)),
    h('p', { class: 'decided' }, d.decided_by),
    d.notes.length ? h('ul', { class: 'notes' }, d.notes.map((n) => h('li', {}, n))) : null);
  return h('section', { class: 'world', 'aria-label': title },
    h('h3', {}, title, ': ', verdict(w.allowed)),
    h('p', { class: 'muted small' }, w.engine),
    dir('Egress at the source', w.egress), dir('Ingress at the destination', w.ingress));
}

export async function tracePage(body, params) {
  const clusters = await listAll('/api/v1/fabric/container-clusters');
  const cluster = h('select', { name: 'cluster' }, clusters.map((c) => h('option', { value: c.name, selected: c.name === params.cluster }, c.name)));
  const source = h('input', { name: 'source', value: params.source ?? '', placeholder: 'namespace/pod or IP', required: true });
  const destination = h('input', { name: 'destination', value: params.destination ?? '', placeholder: 'namespace/pod or IP', required: true });
  const port = h('input', { name: 'port', type: 'number', min: 1, max: 65535, value: params.port ?? '80', required: true });
  const protocol = h('select', { name: 'protocol' }, ['TCP', 'UDP', 'SCTP'].map((x) => h('option', { value: x, selected: x === (params.protocol ?? 'TCP') }, x)));
  const form = h('form', { class: 'filters', 'aria-label': 'Connection to trace' },
    field('Cluster', cluster), field('Source', source), field('Destination', destination), field('Port', port), field('Protocol', protocol),
    h('button', { type: 'submit' }, 'Trace'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/trace${qs({ cluster: cluster.value, source: source.value.trim(), destination: destination.value.trim(), port: port.value, protocol: protocol.value })}`;
  });
  const out = h('div', { 'aria-live': 'polite' });
  body.append(form, out);
  if (!params.source || !params.destination || !params.cluster) return;
  try {
    const t = await api('GET', `/api/v1/console/clusters/${encodeURIComponent(params.cluster)}/trace${qs({ source: params.source, destination: params.destination, port: params.port, protocol: params.protocol })}`);
    const c = t.connection;
    replace(out,
      h('h2', {}, `${c.source} (${c.source_ip}) → ${c.destination} (${c.destination_ip}) on ${c.port}/${c.protocol}`),
      h('p', { class: `banner ${t.same_verdict ? 'same' : 'differs'}`, role: 'note' },
        t.same_verdict ? '= Both worlds give the same verdict.' : 'Δ The worlds differ: the firewall now decides otherwise than the NetworkPolicies did.'),
      h('div', { class: 'two' }, world('Kubernetes', t.kubernetes), world('Firewall (DFW)', t.dfw)),
      h('h3', {}, 'Live traceflow'),
      h('p', {}, t.traceflow.available ? '✓ available' : `– not available: ${t.traceflow.reason}`));
  } catch (e) {
    replace(out, errorBox(e));
  }
}
