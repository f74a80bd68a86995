import { v5 as uuidv5 } from 'uuid';

/** The UUID namespace of np2dfw's generated policy uids (a fixed, random UUID). */
const NP2DFW_UID_NAMESPACE = '6f0f2f5e-3c2b-4d0e-9a59-8f1f4b9d2c71';

/**
 * The uid given to a NetworkPolicy that has no metadata.uid: UUIDv5 of `cluster/namespace/name`. The same policy
 * in the same cluster always gets the same uid, so every output is reproducible.
 */
export function deterministicPolicyUid(cluster: string, namespace: string, name: string): string {
  return uuidv5(`${cluster}/${namespace}/${name}`, NP2DFW_UID_NAMESPACE);
}

/**
 * Whether a string is a uid as Kubernetes issues them: an RFC 4122 UUID in its 36-character text form (version
 * 1-8, the RFC 4122 variant), lowercase or uppercase hex. DFW ids are made of the uid, so nothing else is taken.
 */
export function isKubernetesUid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(value);
}
