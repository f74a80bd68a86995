import jsYaml from 'js-yaml';
import { YAML_1_1_SCHEMA } from './yaml-1-1-schema.ts';

/**
 * js-yaml reads one YAML document tens of times faster than the `yaml` package, which np2dfw keeps for what
 * js-yaml cannot do safely or well: documents with anchors (js-yaml shares an alias's value without counting
 * them, so an alias bomb would go unnoticed; the `yaml` package counts expansions), and documents js-yaml refuses
 * (the `yaml` package gives the message np2dfw reports, with its line).
 */

/** The answer for a document left to the `yaml` package, with the reason (a class: no document's value is one). */
export class LeftToGeneralParser {
  /** `anchor`: the document has one; `error`: js-yaml refused it. */
  readonly why: 'anchor' | 'error';
  /** For `error`: js-yaml's reason. */
  readonly reason: string | undefined;
  /** For `error`: the 0-based line in the document js-yaml points at, when it says. */
  readonly line: number | undefined;

  constructor(why: 'anchor' | 'error', reason?: string, line?: number) {
    this.why = why;
    this.reason = reason;
    this.line = line;
  }
}

/** Thrown from the listener to stop at the first anchor. */
const ANCHOR = Symbol('anchor');

/** js-yaml's parse state as its listener sees it (the typings omit the anchor). */
interface ListenerState {
  readonly anchor: string | null;
}

/** Stops the parse at the first node with an anchor (`&name`): without anchors, an alias is an error. */
function refuseAnchors(event: jsYaml.EventType, state: jsYaml.State): void {
  if (event === 'close' && (state as unknown as ListenerState).anchor !== null) throw ANCHOR;
}

/**
 * Parses one YAML document (no `---` line inside) with YAML 1.1 scalars, as kubectl reads it. Returns its value
 * (undefined or null for an empty document), or a LeftToGeneralParser for what to leave to the general parser. `maxDepth` bounds nesting
 * (js-yaml recurses per level); a deeper document is left to the general parser, which refuses it.
 */
export function loadYamlDocument(text: string, maxDepth: number): unknown {
  const options: jsYaml.LoadOptions & { maxDepth: number } = {
    schema: YAML_1_1_SCHEMA,
    maxDepth,
    // Anchors need `&`: most documents have none, and skip the listener's call per node.
    listener: text.includes('&') ? refuseAnchors : undefined,
  };
  try {
    return jsYaml.load(text, options);
  } catch (e) {
    if (e === ANCHOR) return new LeftToGeneralParser('anchor');
    if (e instanceof jsYaml.YAMLException) return new LeftToGeneralParser('error', e.reason, e.mark?.line);
    if (e instanceof RangeError) return new LeftToGeneralParser('error', 'nested too deeply');
    throw e;
  }
}
