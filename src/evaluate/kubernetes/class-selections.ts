// What the policies select, as sets of endpoint classes, each made once: a policy's targets, a rule's peers.
// Sets are numbered (`sets`, 0 = every class) so that rule shapes can name them.
import { selectorKey, type LabelSelector } from '../../k8s/labels.ts';
import type { NetworkPolicy, PolicyPeer, PolicyRule } from '../../k8s/network-policy.ts';
import { ALL_CLASSES, classSetOf, NO_CLASSES, unionOf, type ClassSet } from './class-set.ts';
import type { ClusterClasses, NamespaceGroups } from './endpoint-class-builder.ts';
import { parsedIpBlock } from '../../net/ip-block.ts';

/** The class sets of the policies' selections, deduplicated and numbered. */
export class ClassSelections {
  /** Deduplicated class sets; 0 is every class. */
  readonly sets: ClassSet[] = [ALL_CLASSES];
  readonly #classes: ClusterClasses;
  /**
   * The set ids of selections within one namespace, by selectorKey ('*' for every pod) then by the namespace's
   * number (0: not made yet; set 0 is every class, never a selection's): a policy's targets and a peer with the
   * same selector in the same namespace share one set id.
   */
  readonly #selections = new Map<string, Int32Array>();
  /** The set id every empty selection shares (-1 before the first). */
  #emptyId = -1;
  readonly #namespaces = new Map<string, string[]>();
  readonly #setIds = new Map<string, number>();
  readonly #peerSets = new Map<string, ClassSet>();
  readonly #scratch: number[] = [];
  #lastNamespace: string | undefined;
  #lastGroups: NamespaceGroups | undefined;

  constructor(classes: ClusterClasses) {
    this.#classes = classes;
  }

  /** The set id of the selectable pods of a namespace a selector selects (every pod without one); cached. */
  #selection(ns: string, selector: LabelSelector | undefined): number {
    // Policies come namespace after namespace: the last namespace's groups are kept at hand.
    if (ns !== this.#lastNamespace) {
      this.#lastNamespace = ns;
      this.#lastGroups = this.#classes.builder.namespaces.get(ns);
    }
    const groups = this.#lastGroups;
    if (!groups) return this.#selectionId(NO_CLASSES);
    const key = selector ? selectorKey(selector) : '*';
    let byNs = this.#selections.get(key);
    if (!byNs || groups.id >= byNs.length) {
      const grown = new Int32Array(Math.max(groups.id + 1, this.#classes.builder.namespaces.size));
      if (byNs) grown.set(byNs);
      this.#selections.set(key, (byNs = grown));
    }
    if (byNs[groups.id] === 0) byNs[groups.id] = this.#selectionId(classSetOf(this.#podClassesIn(groups, selector), this.#classes.classCount));
    return byNs[groups.id];
  }

  /** The classes of the pods a selector selects in a namespace, in a scratch array that `classSetOf` copies. */
  #podClassesIn(groups: NamespaceGroups, selector: LabelSelector | undefined): number[] {
    const out = this.#scratch;
    out.length = 0;
    if (selector) for (const l of groups.index.select(selector)) this.#classes.builder.groupClasses(groups.groups[l], out);
    else for (const g of groups.groups) this.#classes.builder.groupClasses(g, out);
    return out;
  }

  /** A new set id for a selection's set (every empty one shares one). */
  #selectionId(set: ClassSet): number {
    if (set !== NO_CLASSES) return this.#newId(set);
    if (this.#emptyId < 0) this.#emptyId = this.#newId(NO_CLASSES);
    return this.#emptyId;
  }

  #newId(set: ClassSet): number {
    this.sets.push(set);
    return this.sets.length - 1;
  }

  #namespacesMatching(selector: LabelSelector): string[] {
    const key = selectorKey(selector);
    let out = this.#namespaces.get(key);
    if (!out) this.#namespaces.set(key, (out = this.#classes.namespaceIndex.select(selector).map((i) => this.#classes.namespaceNames[i])));
    return out;
  }

  #internSet(key: string, make: () => ClassSet): number {
    let id = this.#setIds.get(key);
    if (id === undefined) {
      id = this.#newId(make());
      this.#setIds.set(key, id);
    }
    return id;
  }

  /** The set id of the pods a policy selects. */
  targetsOf(p: NetworkPolicy): number {
    return this.#selection(p.namespace, p.podSelector);
  }

  #peerKey(peer: PolicyPeer, ns: string): string {
    if (peer.ipBlock) return `i${peer.ipBlock.cidr}|${peer.ipBlock.except.join(',')}`;
    if (!peer.podSelector && !peer.namespaceSelector) return 'none';
    return `s${peer.namespaceSelector ? selectorKey(peer.namespaceSelector) : `@${ns}`}|${peer.podSelector ? selectorKey(peer.podSelector) : '*'}`;
  }

  #peerClasses(peer: PolicyPeer, ns: string): number[] {
    const out: number[] = [];
    if (peer.ipBlock) {
      const block = parsedIpBlock(peer.ipBlock);
      for (const a of this.#classes.builder.atoms[block.family].atomsMatching(block)) for (const c of this.#classes.builder.classesAtAtom(block.family, a)) out.push(c);
      return out;
    }
    if (!peer.podSelector && !peer.namespaceSelector) return out;
    const spaces = peer.namespaceSelector ? this.#namespacesMatching(peer.namespaceSelector) : [ns];
    for (const n of spaces) {
      const ids = this.sets[this.#selection(n, peer.podSelector)].ids;
      for (let i = 0; i < ids.length; i++) out.push(ids[i]);
    }
    return out;
  }

  #internedPeer(peer: PolicyPeer, ns: string, key: string): ClassSet {
    let s = this.#peerSets.get(key);
    if (!s) {
      // A selector peer within one namespace is a cached selection: share its set.
      const oneNamespace = !peer.ipBlock && !peer.namespaceSelector && peer.podSelector;
      s = oneNamespace ? this.sets[this.#selection(ns, peer.podSelector)] : classSetOf(this.#peerClasses(peer, ns), this.#classes.classCount);
      this.#peerSets.set(key, s);
    }
    return s;
  }

  /** The set id of a rule's peers (0: every class, for a rule without peers). */
  peerSetOf(rule: PolicyRule, ns: string): number {
    if (!rule.peers) return 0;
    const peers = rule.peers;
    if (peers.length === 1 && peers[0].podSelector && !peers[0].namespaceSelector && !peers[0].ipBlock) {
      return this.#selection(ns, peers[0].podSelector);
    }
    const keys = peers.map((peer) => this.#peerKey(peer, ns));
    return this.#internSet(keys.length === 1 ? keys[0] : [...new Set(keys)].sort().join('\n'), () => {
      const parts: ClassSet[] = [];
      const seen = new Set<string>();
      peers.forEach((peer, i) => {
        if (seen.has(keys[i])) return;
        seen.add(keys[i]);
        parts.push(this.#internedPeer(peer, ns, keys[i]));
      });
      return parts.length === 0 ? NO_CLASSES : unionOf(parts, this.#classes.classCount);
    });
  }
}
