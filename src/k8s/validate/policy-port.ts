import { PROTOCOLS } from '../protocol.ts';
import type { FieldPath } from '../field-path.ts';
import { formatValue, invalid, notSupported } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { portNameErrors, portNumberErrors } from './names.ts';
import { integerField, objectField, rejectUnknownFields, stringField } from './shape.ts';

const PORT_FIELDS: ReadonlySet<string> = new Set(['protocol', 'port', 'endPort']);

/**
 * ValidateNetworkPolicyPort: protocol TCP, UDP or SCTP (absent means TCP); `port` a number 1-65535 or an
 * IANA_SVC_NAME; `endPort` only with a numeric `port`, not below it, and itself 1-65535.
 */
export function validatePolicyPort(sink: ProblemSink, value: unknown, path: FieldPath): void {
  const port = objectField(sink, value, path);
  if (!port) return;
  rejectUnknownFields(sink, port, path, PORT_FIELDS);
  const protocol = stringField(sink, port.protocol, [...path, 'protocol']);
  if (protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(protocol)) {
    sink.errors.push(notSupported([...path, 'protocol'], protocol, PROTOCOLS));
  }
  const endPort = integerField(sink, port.endPort, [...path, 'endPort']);
  const p = port.port;
  if (typeof p === 'number') {
    if (!Number.isInteger(p)) {
      sink.errors.push({ path: [...path, 'port'], message: `Invalid value: ${formatValue(p)}: must be an integer or a string` });
      return;
    }
    for (const msg of portNumberErrors(p)) sink.errors.push(invalid([...path, 'port'], p, msg));
    if (endPort !== undefined) {
      if (endPort < p) sink.errors.push(invalid([...path, 'endPort'], endPort, 'must be greater than or equal to `port`'));
      for (const msg of portNumberErrors(endPort)) sink.errors.push(invalid([...path, 'endPort'], endPort, msg));
    }
  } else if (typeof p === 'string') {
    if (endPort !== undefined) sink.errors.push(invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is non-numeric'));
    for (const msg of portNameErrors(p)) sink.errors.push(invalid([...path, 'port'], p, msg));
  } else if (p === undefined || p === null) {
    if (endPort !== undefined) sink.errors.push(invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is not specified'));
  } else {
    sink.errors.push({ path: [...path, 'port'], message: `Invalid value: ${formatValue(p)}: must be an integer or a string` });
  }
}
