/** What a target's own objects name, so that verify cuts its classes at the boundaries of both sides. */
export interface TargetBoundaries {
  /** Port ranges (inclusive) named anywhere in the target's objects, per protocol. */
  readonly ports: readonly { readonly protocol: string; readonly first: number; readonly last: number }[];
  /** Addresses named anywhere in the target's objects: CIDRs, `a-b` ranges or single addresses. */
  readonly addresses: readonly string[];
}
