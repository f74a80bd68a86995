import { POLICY_NOT_FOUND } from '../model/batch-selection.ts';

/**
 * The stable error codes of policies a conversion refuses (NSX publishes none; docs/nsx-mapping.md lists these).
 */
export const REFUSAL = {
  /** A port given by name: DFW service entries take numbers only. */
  NAMED_PORT: 'NAMED_PORT_UNSUPPORTED',
  /** SCTP: the DFW does not filter SCTP. */
  SCTP: 'SCTP_UNSUPPORTED',
  /** A `DoesNotExist` requirement: Antrea groups do not support scope_operator NOTEQUALS. */
  DOES_NOT_EXIST: 'DOES_NOT_EXIST_UNSUPPORTED',
  /** An `In` requirement with more than one value. */
  MULTI_VALUE_IN: 'MULTI_VALUE_IN_UNSUPPORTED',
  /** More than 5 conditions of one member type (Pod, Namespace) in one criterion. */
  TOO_MANY_CONDITIONS_OF_ONE_TYPE: 'TOO_MANY_CONDITIONS_OF_ONE_MEMBER_TYPE',
  /** More than 15 conditions in one criterion. */
  TOO_MANY_CONDITIONS: 'TOO_MANY_CONDITIONS_IN_CRITERION',
  /** A uid asked for (`only`) that no NetworkPolicy of the cluster has. */
  NOT_FOUND: POLICY_NOT_FOUND,
  /** The policy's DFW policies already exist (imported earlier). */
  ALREADY_IMPORTED: 'ALREADY_IMPORTED',
} as const;

/** The NSX limits on one criterion of an Antrea group's membership. */
export const MAX_CONDITIONS_PER_MEMBER_TYPE = 5;
export const MAX_CONDITIONS_PER_CRITERION = 15;
