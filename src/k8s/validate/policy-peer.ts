import type { FieldPath } from '../field-path.ts';
import { forbidden, required } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { validateIpBlock } from './ip-block.ts';
import { validateLabelSelector } from './label-selector.ts';
import { objectField, rejectUnknownFields } from './shape.ts';

const PEER_FIELDS: ReadonlySet<string> = new Set(['podSelector', 'namespaceSelector', 'ipBlock']);

/**
 * ValidateNetworkPolicyPeer: at least one of podSelector, namespaceSelector, ipBlock (`{}` is refused: "must
 * specify a peer"); ipBlock never with a selector; each part valid.
 */
export function validatePolicyPeer(sink: ProblemSink, value: unknown, path: FieldPath): void {
  const peer = value === null || value === undefined ? {} : objectField(sink, value, path);
  if (!peer) return;
  rejectUnknownFields(sink, peer, path, PEER_FIELDS);
  let count = 0;
  const present = (v: unknown) => v !== undefined && v !== null;
  if (present(peer.podSelector)) {
    count++;
    validateLabelSelector(sink, peer.podSelector, [...path, 'podSelector']);
  }
  if (present(peer.namespaceSelector)) {
    count++;
    validateLabelSelector(sink, peer.namespaceSelector, [...path, 'namespaceSelector']);
  }
  if (present(peer.ipBlock)) {
    count++;
    validateIpBlock(sink, peer.ipBlock, [...path, 'ipBlock']);
  }
  if (count === 0) sink.errors.push(required(path, 'must specify a peer'));
  else if (count > 1 && present(peer.ipBlock)) sink.errors.push(forbidden(path, 'may not specify both ipBlock and another peer'));
}
