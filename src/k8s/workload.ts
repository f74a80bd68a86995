/**
 * The workload kinds np2dfw reads: each stands for the pods it runs (its pod template's labels, ports and
 * hostNetwork), shown as `namespace/name[Kind]`.
 */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'] as const;

/** One of WORKLOAD_KINDS. */
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Whether a kind is a workload kind. */
export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/** The apiVersion each workload kind is served at by the API server (the beta versions were removed). */
export const WORKLOAD_API_VERSIONS: Readonly<Record<WorkloadKind, string>> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  ReplicationController: 'v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

/** Where the pod template sits in each workload kind. */
export const POD_TEMPLATE_PATH: Readonly<Record<WorkloadKind, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** The value at `path` inside a decoded object, or undefined. */
export function valueAt(body: unknown, path: readonly string[]): unknown {
  let v = body;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
