import { controllerOf, podSpecFacts } from './decode-pod.ts';
import { decodeLabels } from './decode-selector.ts';
import type { RawObject } from './parse-documents.ts';
import type { Pod } from './pod.ts';
import { POD_TEMPLATE_PATH, valueAt, type WorkloadKind } from './workload.ts';

/**
 * A validated workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob) into
 * the pod it stands for: the pod template's labels, ports and hostNetwork, in the workload's namespace, named
 * `namespace/name[Kind]`. It is a pod to be: np2dfw assigns its addresses.
 */
export function decodeWorkload(raw: RawObject, kind: WorkloadKind): Pod {
  const meta = raw.body.metadata as { name: string; namespace?: string; uid?: string; ownerReferences?: unknown };
  const template = (valueAt(raw.body, POD_TEMPLATE_PATH[kind]) ?? {}) as { metadata?: { labels?: unknown }; spec?: unknown };
  const owner = controllerOf(meta.ownerReferences);
  return {
    namespace: meta.namespace ?? 'default',
    name: meta.name,
    labels: decodeLabels(template.metadata?.labels),
    ips: [],
    ...podSpecFacts(template.spec),
    uid: meta.uid,
    source: raw.source,
    workload: kind,
    toBe: true,
    ...(owner ? { owner } : {}),
  };
}
