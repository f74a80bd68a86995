import type { RawObject } from '../parse-documents.ts';
import { newSink, type ProblemSink } from './field-problem.ts';
import { validateNamespace } from './namespace.ts';
import { validateNetworkPolicy } from './network-policy.ts';
import { validatePod } from './pod.ts';
import { validateCronJob } from './cron-job.ts';
import { validateDaemonSet } from './daemon-set.ts';
import { validateDeployment } from './deployment.ts';
import { validateJob } from './job.ts';
import { validateReplicaSet } from './replica-set.ts';
import { validateReplicationController } from './replication-controller.ts';
import { validateStatefulSet } from './stateful-set.ts';

/**
 * Validates one object of a kind np2dfw reads (Namespace, Pod, NetworkPolicy, the workload kinds) with the API server's rules.
 * Returns every error found (an empty list means the object can be decoded) and the warnings the API server
 * would give for it.
 */
export function validateObject(raw: RawObject): ProblemSink {
  const sink = newSink();
  switch (raw.kind) {
    case 'Namespace': validateNamespace(raw, sink); break;
    case 'Pod': validatePod(raw, sink); break;
    case 'NetworkPolicy': validateNetworkPolicy(raw, sink); break;
    case 'Deployment': validateDeployment(raw, sink); break;
    case 'StatefulSet': validateStatefulSet(raw, sink); break;
    case 'DaemonSet': validateDaemonSet(raw, sink); break;
    case 'ReplicaSet': validateReplicaSet(raw, sink); break;
    case 'ReplicationController': validateReplicationController(raw, sink); break;
    case 'Job': validateJob(raw, sink); break;
    case 'CronJob': validateCronJob(raw, sink); break;
    default: sink.errors.push({ path: ['kind'], message: `Unsupported value: ${JSON.stringify(raw.kind)}: supported values: "CronJob", "DaemonSet", "Deployment", "Job", "Namespace", "NetworkPolicy", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"` });
  }
  return sink;
}
