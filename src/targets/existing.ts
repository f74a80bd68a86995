// `--against FILE`: a target's configuration as it already exists (an NSX export or API dump, Antrea objects from
// `kubectl get -o yaml`, a Contrail config), evaluated in place of np2dfw's conversion. The file is hostile input:
// each target's reader (`existing` in ./nsx.ts, ./antrea.ts, ./contrail.ts) decodes and validates it into the
// target's model; whatever cannot be evaluated is an InvalidInputError naming the object and the field (the CLI
// exits 2), never left out.
import { AntreaModelError } from '../evaluate/antrea/antrea-membership.ts';
import { ContrailModelError } from '../evaluate/contrail/contrail-engine.ts';
import type { ReachabilityEngine } from '../evaluate/engine.ts';
import { InvalidInputError } from '../k8s/invalid-input.ts';
import type { InputText } from '../k8s/read-inputs.ts';
import { GroupExpressionError } from '../model/group-expression.ts';

/** Builds an engine from input texts, turning a model error (a reference the decoders did not catch) into invalid input. */
export function builtFromInput(inputs: readonly InputText[], make: () => ReachabilityEngine): ReachabilityEngine {
  try {
    return make();
  } catch (e) {
    if (e instanceof AntreaModelError || e instanceof ContrailModelError || e instanceof GroupExpressionError) {
      throw new InvalidInputError([{ file: inputs.map((i) => i.name).join(', '), path: [], message: e.message }]);
    }
    throw e;
  }
}
