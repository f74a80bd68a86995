import type { FieldPath } from '../field-path.ts';
import type { RawObject } from '../parse-documents.ts';
import { duplicate, invalid, notSupported, required } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { parseIpLiteral, formatIp, type IpFamily } from './ip-literal.ts';
import { dns1123SubdomainErrors, portNameErrors, portNumberErrors } from './names.ts';
import { validateObjectMeta } from './object-meta.ts';
import { booleanField, integerField, listField, objectField, rejectUnknownFields, stringField } from './shape.ts';

/** Container port protocols, in the order the API server lists them (sorted). */
const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
const CONTAINER_PORT_FIELDS: ReadonlySet<string> = new Set(['name', 'containerPort', 'protocol', 'hostPort', 'hostIP']);
const POD_IP_FIELDS: ReadonlySet<string> = new Set(['ip']);

/**
 * Validates what np2dfw reads of a v1 Pod, with the API server's rules: metadata (DNS-1123 subdomain name, labels),
 * `spec.hostNetwork`, container ports (containerPort 1-65535, IANA_SVC_NAME names unique per container,
 * protocol), `status.podIP`/`status.podIPs` (valid addresses, at most one per family) and `status.phase`.
 * Every other field is accepted untouched.
 *
 * One rule goes beyond the API server: two containers of a pod naming different port numbers with the same name
 * and protocol are refused, since a NetworkPolicy naming that port would be ambiguous.
 */
export function validatePod(raw: RawObject, sink: ProblemSink): void {
  const body = raw.body;
  validateObjectMeta(sink, body.metadata, dns1123SubdomainErrors, true);
  validatePodSpec(sink, body.spec, ['spec']);
  const status = objectField(sink, body.status, ['status']);
  if (status) validatePodStatus(sink, status);
}

/**
 * What np2dfw reads of a PodSpec at `path` (a Pod's `spec`, or a workload's `spec.template.spec`): `hostNetwork`
 * and the ports of every container and init container. Returns the spec when it is an object.
 */
export function validatePodSpec(sink: ProblemSink, value: unknown, path: FieldPath): Record<string, unknown> | undefined {
  const spec = objectField(sink, value, path);
  if (!spec) return undefined;
  booleanField(sink, spec.hostNetwork, [...path, 'hostNetwork']);
  const named = new Map<string, { port: number; container: string }>();
  for (const kind of ['containers', 'initContainers'] as const) {
    listField(sink, spec[kind], [...path, kind])?.forEach((c, i) => {
      const container = objectField(sink, c, [...path, kind, i]);
      if (container) validateContainerPorts(sink, container.ports, [...path, kind, i, 'ports'], `${kind}/${i}`, named);
    });
  }
  return spec;
}

function validateContainerPorts(
  sink: ProblemSink,
  value: unknown,
  path: FieldPath,
  container: string,
  podNames: Map<string, { port: number; container: string }>,
): void {
  const names = new Set<string>();
  listField(sink, value, path)?.forEach((item, i) => {
    const portPath = [...path, i];
    const port = objectField(sink, item, portPath) ?? (item === null ? {} : undefined);
    if (!port) return;
    rejectUnknownFields(sink, port, portPath, CONTAINER_PORT_FIELDS);
    const name = stringField(sink, port.name, [...portPath, 'name']);
    const number = integerField(sink, port.containerPort, [...portPath, 'containerPort']);
    const protocol = stringField(sink, port.protocol, [...portPath, 'protocol']);
    if (name) {
      const msgs = portNameErrors(name);
      for (const msg of msgs) sink.errors.push(invalid([...portPath, 'name'], name, msg));
      if (msgs.length === 0) {
        if (names.has(name)) sink.errors.push(duplicate([...portPath, 'name'], name));
        names.add(name);
      }
    }
    const absent = port.containerPort === undefined || port.containerPort === null;
    if (absent || number === 0) {
      sink.errors.push(required([...portPath, 'containerPort']));
    } else if (number !== undefined) {
      for (const msg of portNumberErrors(number)) sink.errors.push(invalid([...portPath, 'containerPort'], number, msg));
    }
    // An empty protocol is defaulted to TCP (SetDefaults_ContainerPort), not refused.
    if (protocol && !(PORT_PROTOCOLS as readonly string[]).includes(protocol)) {
      sink.errors.push(notSupported([...portPath, 'protocol'], protocol, PORT_PROTOCOLS));
    }
    if (name && number !== undefined && (protocol === undefined || protocol === '' || (PORT_PROTOCOLS as readonly string[]).includes(protocol))) {
      const key = `${name}/${protocol || 'TCP'}`;
      const other = podNames.get(key);
      if (other && other.port !== number && other.container !== container) {
        sink.errors.push(duplicate([...portPath, 'name'], name,
          `port ${other.port} of another container has this name and protocol; a NetworkPolicy naming it would be ambiguous`));
      } else if (!other) {
        podNames.set(key, { port: number, container });
      }
    }
  });
}

function validatePodStatus(sink: ProblemSink, status: Record<string, unknown>): void {
  stringField(sink, status.phase, ['status', 'phase']);
  const podIP = stringField(sink, status.podIP, ['status', 'podIP']);
  if (podIP) checkPodIp(sink, podIP, ['status', 'podIP']);
  const list = listField(sink, status.podIPs, ['status', 'podIPs']);
  if (!list) return;
  const first = list[0] as { ip?: unknown } | undefined;
  if (podIP && typeof first?.ip === 'string' && first.ip !== podIP) {
    sink.warnings.push({ path: ['status', 'podIP'], message: `${JSON.stringify(podIP)} differs from status.podIPs[0] (${JSON.stringify(first.ip)}): the API server keeps podIP alone, and so does np2dfw` });
  }
  const families: IpFamily[] = [];
  const texts: string[] = [];
  list.forEach((item, i) => {
    const entry = objectField(sink, item, ['status', 'podIPs', i]);
    if (!entry) return;
    rejectUnknownFields(sink, entry, ['status', 'podIPs', i], POD_IP_FIELDS);
    const ip = stringField(sink, entry.ip, ['status', 'podIPs', i, 'ip']) ?? '';
    texts.push(ip);
    const family = checkPodIp(sink, ip, ['status', 'podIPs', i]);
    if (family) families.push(family);
  });
  if (texts.length > 1) {
    const dualStack = texts.length === families.length && families.includes(4) && families.includes(6);
    if (!dualStack || texts.length > 2) sink.errors.push(invalid(['status', 'podIPs'], texts, 'may specify no more than one IP for each IP family'));
  }
}

/** IsValidIPForLegacyField as Kubernetes runs it by default (see ip-literal.ts); returns the family when usable. */
function checkPodIp(sink: ProblemSink, text: string, path: FieldPath): IpFamily | undefined {
  const ip = parseIpLiteral(text);
  if (!ip) {
    sink.errors.push(invalid(path, text, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    return undefined;
  }
  if (ip.mapped) {
    sink.errors.push(invalid(path, text, 'must not be an IPv4-mapped IPv6 address'));
    return undefined;
  }
  if (ip.leadingZeros) {
    sink.warnings.push({ path, message: `non-standard IP address ${JSON.stringify(text)} will be considered invalid in a future Kubernetes release: use ${JSON.stringify(formatIp(ip.family, ip.value))}` });
  }
  return ip.family;
}
