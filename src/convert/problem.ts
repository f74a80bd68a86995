/** Why one part of a policy cannot be converted: a code from REFUSAL, the field path and the reason. */
export interface ConversionProblem {
  readonly code: string;
  /** Field path inside the NetworkPolicy, e.g. `spec.ingress[0].ports[1].port`. */
  readonly path: string;
  readonly message: string;
}
