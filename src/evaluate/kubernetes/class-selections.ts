// What the policies select, as sets of endpoint classes, each made once: a policy's targets, a rule's peers.
// Sets are numbered (`sets`, 0 = every class) so that rule shapes can name them.
import { selectorKey, type LabelSelector } from '../../k8s/labels.ts';
import type { NetworkPolicy, PolicyPeer, PolicyRule } from '../../k8s/network-policy.ts';
import { ALL_CLASSES, classSetOf, NO_CLASSES, unionOf, type ClassSet } from './class-set.ts';
import type { ClusterClasses } from './endpoint-class-builder.ts';
import { parsedIpBlock } from '../../net/ip-block.ts';

/** The class sets of the policies' selections, deduplicated and numbered. */
export class ClassSelections {
  /** Deduplicated class sets; 0 is every class. */
  readonly sets: ClassSet[] = [ALL_CLASSES];
  readonly #classes: ClusterClasses;
  /** selectorKey, computed once per selector object. */
  readonly #selectorKeys = new Map<LabelSelector, string>();
  readonly #podsIn = new Map<string, Map<string, number[]>>();
  readonly #namespaces = new Map<string, string[]>();
  readonly #setIds = new Map<string, number>();
  /** One ClassSet per cached selection list: a policy's targets and a peer with the same selector share it. */
  readonly #setsOfLists = new Map<number[], ClassSet>();
  /** Set ids by set object: a shared selection set gets one id, without a string key. */
  readonly #idsOfSets = new Map<ClassSet, number>();
  readonly #targetIds = new Map<string, Map<string, number>>();
  readonly #peerSets = new Map<string, ClassSet>();

  constructor(classes: ClusterClasses) {
    this.#classes = classes;
  }

  #keyOf(selector: LabelSelector): string {
    let key = this.#selectorKeys.get(selector);
    if (key === undefined) this.#selectorKeys.set(selector, (key = selectorKey(selector)));
    return key;
  }

  /** The classes of the selectable pods of a namespace a selector selects (every pod without one); cached. */
  podsIn(ns: string, selector: LabelSelector | undefined): number[] {
    const key = selector ? this.#keyOf(selector) : '*';
    let byNs = this.#podsIn.get(key);
    if (!byNs) this.#podsIn.set(key, (byNs = new Map()));
    let out = byNs.get(ns);
    if (out) return out;
    out = [];
    const idx = this.#classes.builder.namespaces.get(ns);
    if (idx) {
      const local = selector ? idx.index.select(selector) : idx.groups.map((_, i) => i);
      for (const l of local) this.#classes.builder.groupClasses(idx.groups[l], out);
    }
    byNs.set(ns, out);
    return out;
  }

  #namespacesMatching(selector: LabelSelector): string[] {
    const key = this.#keyOf(selector);
    let out = this.#namespaces.get(key);
    if (!out) this.#namespaces.set(key, (out = this.#classes.namespaceIndex.select(selector).map((i) => this.#classes.namespaceNames[i])));
    return out;
  }

  #internSet(key: string, make: () => ClassSet): number {
    let id = this.#setIds.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(make());
      this.#setIds.set(key, id);
    }
    return id;
  }

  #classSetFor(list: number[]): ClassSet {
    let set = this.#setsOfLists.get(list);
    if (!set) this.#setsOfLists.set(list, (set = classSetOf(list, this.#classes.classCount)));
    return set;
  }

  #setIdOf(set: ClassSet): number {
    let id = this.#idsOfSets.get(set);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(set);
      this.#idsOfSets.set(set, id);
    }
    return id;
  }

  /** The set id of the pods a policy selects. */
  targetsOf(p: NetworkPolicy): number {
    const key = this.#keyOf(p.podSelector);
    let byNs = this.#targetIds.get(key);
    if (!byNs) this.#targetIds.set(key, (byNs = new Map()));
    let id = byNs.get(p.namespace);
    if (id === undefined) {
      id = this.#setIdOf(this.#classSetFor(this.podsIn(p.namespace, p.podSelector)));
      byNs.set(p.namespace, id);
    }
    return id;
  }

  #peerKey(peer: PolicyPeer, ns: string): string {
    if (peer.ipBlock) return `i${peer.ipBlock.cidr}|${peer.ipBlock.except.join(',')}`;
    if (!peer.podSelector && !peer.namespaceSelector) return 'none';
    return `s${peer.namespaceSelector ? this.#keyOf(peer.namespaceSelector) : `@${ns}`}|${peer.podSelector ? this.#keyOf(peer.podSelector) : '*'}`;
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
    for (const n of spaces) for (const c of this.podsIn(n, peer.podSelector)) out.push(c);
    return out;
  }

  #internedPeer(peer: PolicyPeer, ns: string, key: string): ClassSet {
    let s = this.#peerSets.get(key);
    if (!s) {
      // A selector peer within one namespace is a cached selection: share its set.
      const oneNamespace = !peer.ipBlock && !peer.namespaceSelector && peer.podSelector;
      s = oneNamespace ? this.#classSetFor(this.podsIn(ns, peer.podSelector)) : classSetOf(this.#peerClasses(peer, ns), this.#classes.classCount);
      this.#peerSets.set(key, s);
    }
    return s;
  }

  /** The set id of a rule's peers (0: every class, for a rule without peers). */
  peerSetOf(rule: PolicyRule, ns: string): number {
    if (!rule.peers) return 0;
    const peers = rule.peers;
    if (peers.length === 1 && peers[0].podSelector && !peers[0].namespaceSelector && !peers[0].ipBlock) {
      return this.#setIdOf(this.#classSetFor(this.podsIn(ns, peers[0].podSelector)));
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
