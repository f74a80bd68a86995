// Realizes one import request's worth of policies (5000) for Antrea (direct and through the NSX conversion) and
// for Contrail: the objects, their text, the Antrea schema and admission checks, and the evaluators' set-up.
import { convertCluster } from '../src/convert/convert-cluster.ts';
import { buildAntreaTarget } from '../src/targets/antrea.ts';
import { buildContrailTarget } from '../src/targets/contrail.ts';
import { generateCluster } from '../testing/synthetic/generate-cluster.ts';
import { allAntreaObjects } from '../src/realize/antrea/antrea-objects.ts';
import { realizeClusterDirect } from '../src/realize/antrea/realize-cluster.ts';
import { realizeDfwConfig } from '../src/realize/antrea/realize-dfw.ts';
import { antreaObjectsToYaml } from '../src/realize/antrea/serialize.ts';
import { validateAntreaObjects } from '../src/realize/antrea/validate/validate-objects.ts';
import { realizeContrail } from '../src/realize/contrail/realize-contrail.ts';
import { contrailConfigToJson } from '../src/realize/contrail/serialize.ts';
import { measure } from './measure.ts';

const LIMIT = 5000;
const MiB = (s: string) => `${(Buffer.byteLength(s) / 1024 / 1024).toFixed(1)} MiB`;

process.stdout.write('| step | wall time | memory |\n| --- | --- | --- |\n');
for (const [shape, scale] of [['one-namespace', 0.5], ['large-namespaces', 0.5]] as const) {
  const { result: full } = measure(`${shape} x${scale}: generate`, () => generateCluster(shape, { seed: 1, scale, egress: 'mirror' }));
  const cluster = { ...full, policies: full.policies.slice(0, LIMIT) };
  const label = `${shape} x${scale} (${cluster.pods.length} pods, ${cluster.policies.length} policies)`;

  const { result: direct } = measure(`${label}: antrea, realize`, () => realizeClusterDirect(cluster));
  const { result: yaml } = measure(`antrea: -o yaml (${allAntreaObjects(direct).length} objects)`, () => antreaObjectsToYaml(direct));
  process.stdout.write(`|   antrea YAML: ${MiB(yaml)} | | |\n`);
  const { result: problems } = measure('antrea: CRD schemas + admission rules', () => validateAntreaObjects(direct));
  if (problems.length) throw new Error(`invalid Antrea object: ${JSON.stringify(problems[0])}`);
  measure('antrea: build the target (realize + evaluator)', () => buildAntreaTarget(cluster, { onError: 'abort' }));

  const { result: conversion } = measure(`${label}: nsx-antrea, NSX conversion`, () => convertCluster(cluster, { onError: 'continue' }));
  const { result: adapter } = measure(`nsx-antrea: adapter realization (${conversion.config.groups.length} groups, ${conversion.config.policies.length} DFW policies)`, () => realizeDfwConfig(conversion.config));
  const { result: adapterYaml } = measure(`nsx-antrea: -o yaml (${allAntreaObjects(adapter).length} objects)`, () => antreaObjectsToYaml(adapter));
  process.stdout.write(`|   nsx-antrea YAML: ${MiB(adapterYaml)} | | |\n`);
  const { result: adapterProblems } = measure('nsx-antrea: CRD schemas + admission rules', () => validateAntreaObjects(adapter));
  if (adapterProblems.length) throw new Error(`invalid Antrea object: ${JSON.stringify(adapterProblems[0])}`);

  const { result: contrail } = measure(`${label}: contrail, realize`, () => realizeContrail(cluster, { onError: 'abort' }));
  if (contrail.refusals.length) throw new Error(`unexpected refusal ${contrail.refusals[0].code}`);
  const { result: json } = measure(`contrail: JSON (${contrail.config.rules.length} rules, ${contrail.config.policies.length} firewall policies, ${contrail.config.tags.length} tags)`, () => contrailConfigToJson(contrail.config));
  process.stdout.write(`|   contrail JSON: ${MiB(json)} | | |\n`);
  measure('contrail: build the target (realize + evaluator)', () => buildContrailTarget(cluster, { onError: 'abort' }));
}

// The evaluators at work: verify a 1,000-pod, 1,000-policy cluster for each target (every pair, every port class).
{
  const { createKubernetesEngine } = await import('../src/evaluate/kubernetes/kubernetes-engine.ts');
  const { verifyEngines } = await import('../src/evaluate/verify/verify-engines.ts');
  const { buildNsxAntreaTarget } = await import('../src/targets/antrea.ts');
  const cluster = generateCluster('one-namespace', { seed: 1, scale: 0.1, egress: 'mirror' });
  const reference = createKubernetesEngine(cluster);
  for (const [name, build] of [['antrea', buildAntreaTarget], ['nsx-antrea', buildNsxAntreaTarget], ['contrail', buildContrailTarget]] as const) {
    const { result } = measure(`one-namespace x0.1 (${cluster.pods.length} pods, ${cluster.policies.length} policies): verify --target ${name}`, () => {
      const built = build(cluster, { onError: 'abort' });
      return verifyEngines(cluster, reference, built.engine, { boundaries: built.boundaries });
    });
    if (!result.equivalent) throw new Error(`${name}: not equivalent`);
  }
}
