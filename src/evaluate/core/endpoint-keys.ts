// What the forms' memberships read from a pod besides its address, as one key per endpoint, and the address
// ranges of an ipBlock: shared by every form on the core.
import type { Labels } from '../../k8s/labels.ts';
import { parseAddressRange, type AddressRange } from '../../net/address-range.ts';
import { subtractCidrs } from '../../net/cidr.ts';
import type { Endpoint } from '../endpoint.ts';
import { isSelectable } from '../endpoint.ts';

/** A canonical string for a label set: equal sets give equal keys. */
export function labelsKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\u0001');
}

/**
 * A selectable pod's namespace and labels (what every label selector reads), `none` for everything else; with
 * `withPorts`, every pod's container ports too (what a named port resolves to).
 */
export function labelKey(e: Endpoint, withPorts: boolean): string {
  let key = e.kind === 'pod' && isSelectable(e) ? `${e.pod.namespace}\u0002${labelsKey(e.pod.labels)}` : 'none';
  if (withPorts && e.kind === 'pod') key += `\u0002${e.pod.ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).join(',')}`;
  return key;
}

/** The addresses of an ipBlock (`cidr` minus every `except`) as ranges. */
export function ipBlockRanges(cidr: string, except: readonly string[]): AddressRange[] {
  return subtractCidrs(cidr, except).map((c) => parseAddressRange(c)!);
}
