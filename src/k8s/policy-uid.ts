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
