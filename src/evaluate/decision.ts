/** The answer of one evaluation stage, as kube-network-policies shapes it: decide, or pass to the next stage. */
export type StageVerdict = 'Accept' | 'Deny' | 'Next';

/** How one direction (the source's egress, or the destination's ingress) was decided, and why. */
export interface Decision {
  readonly allowed: boolean;
  /** One line naming what decided: a policy, rule, peer and port; a DFW rule; or the default. */
  readonly by: string;
  /** Further lines: which policies isolate the pod, which came close, and so on. */
  readonly notes: readonly string[];
}

/** A connection's verdict: allowed only when the source's egress and the destination's ingress both allow it. */
export interface ConnectionDecision {
  readonly allowed: boolean;
  readonly egress: Decision;
  readonly ingress: Decision;
}
