import { decodeSelector, NONE } from './decode-selector.ts';
import type { NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, PolicyType } from './network-policy.ts';
import type { RawObject } from './parse-documents.ts';
import { deterministicPolicyUid } from './policy-uid.ts';
import type { Protocol } from './protocol.ts';
import { canonicalCidrText, parseCidrLiteral } from './validate/ip-literal.ts';

interface RawPeer { podSelector?: unknown; namespaceSelector?: unknown; ipBlock?: { cidr: string; except?: string[] } }
interface RawPort { protocol?: Protocol; port?: number | string; endPort?: number }
interface RawRule { from?: RawPeer[]; to?: RawPeer[]; ports?: RawPort[] }

/**
 * A validated networking.k8s.io/v1 NetworkPolicy into the model, with the API server's defaulting
 * (pkg/apis/networking/v1/defaults.go): when policyTypes is empty, [Ingress], plus Egress when spec.egress has at
 * least one rule (`egress: []` adds nothing: `len(spec.Egress) != 0`); port protocol TCP; a uid when none is
 * given. CIDRs the API server reads loosely (`10.0.0.1/8`, `010.0.0.0/8`) are given as it understands them
 * (`10.0.0.0/8`); the others are kept as written.
 */
export function decodeNetworkPolicy(raw: RawObject, cluster: string): NetworkPolicy {
  const meta = raw.body.metadata as { name: string; namespace?: string; uid?: string };
  const spec = (raw.body.spec ?? {}) as { podSelector?: unknown; policyTypes?: PolicyType[]; ingress?: RawRule[] | null; egress?: RawRule[] | null };
  const namespace = meta.namespace ?? 'default';
  let policyTypes: readonly PolicyType[];
  if (spec.policyTypes && spec.policyTypes.length > 0) {
    const ingress = spec.policyTypes.includes('Ingress');
    const egress = spec.policyTypes.includes('Egress');
    policyTypes = ingress ? (egress ? BOTH : INGRESS) : egress ? EGRESS : NONE;
  } else {
    policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? BOTH : INGRESS;
  }
  return {
    namespace,
    name: meta.name,
    uid: meta.uid || deterministicPolicyUid(cluster, namespace, meta.name),
    podSelector: decodeSelector(spec.podSelector),
    policyTypes,
    ingress: spec.ingress?.length ? spec.ingress.map((r) => decodeRule(r?.from, r?.ports)) : NONE,
    egress: spec.egress?.length ? spec.egress.map((r) => decodeRule(r?.to, r?.ports)) : NONE,
    source: raw.source,
  };
}

/** The policy types a policy can have, shared (tens of thousands of policies have the same). */
const INGRESS: readonly PolicyType[] = Object.freeze(['Ingress']);
const EGRESS: readonly PolicyType[] = Object.freeze(['Egress']);
const BOTH: readonly PolicyType[] = Object.freeze(['Ingress', 'Egress']);

function decodeRule(peers: RawPeer[] | undefined | null, ports: RawPort[] | undefined | null): PolicyRule {
  return {
    peers: peers && peers.length > 0 ? peers.map(decodePeer) : undefined,
    ports: ports && ports.length > 0 ? ports.map((p) => decodePort(p ?? {})) : undefined,
  };
}

function decodePeer(p: RawPeer): PolicyPeer {
  if (p.ipBlock) return { ipBlock: { cidr: understoodCidr(p.ipBlock.cidr), except: p.ipBlock.except?.length ? p.ipBlock.except.map(understoodCidr) : NONE } };
  const out: { podSelector?: ReturnType<typeof decodeSelector>; namespaceSelector?: ReturnType<typeof decodeSelector> } = {};
  if (p.podSelector != null) out.podSelector = decodeSelector(p.podSelector);
  if (p.namespaceSelector != null) out.namespaceSelector = decodeSelector(p.namespaceSelector);
  return out;
}

function decodePort(p: RawPort): PolicyPort {
  const out: { protocol: Protocol; port?: number | string; endPort?: number } = { protocol: p.protocol ?? 'TCP' };
  if (p.port !== undefined && p.port !== null) out.port = p.port;
  if (p.endPort !== undefined && p.endPort !== null) out.endPort = p.endPort;
  return out;
}

/** The CIDR as the API server understands it when it was written loosely; as written otherwise. */
function understoodCidr(text: string): string {
  const c = parseCidrLiteral(text);
  return c && (c.leadingZeros || c.address !== c.network) ? canonicalCidrText(c) : text;
}
