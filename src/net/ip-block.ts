// The one membership test of an ipBlock-shaped address set (a CIDR minus some CIDRs): Kubernetes ipBlock peers,
// Antrea ipBlocks and plain CIDRs (no except) all ask it, parsed once per object.
import { cidrWithExceptHolds, parseCidrWithExcept, type CidrWithExcept } from './cidr.ts';
import { addressValue, familyOf, type Family } from './ip-address.ts';

/** A CIDR and the CIDRs taken out of it, as written (valid, as validation guarantees). */
export interface IpBlockText {
  readonly cidr: string;
  readonly except?: readonly string[];
}

const parsed = new WeakMap<IpBlockText, CidrWithExcept>();

/** The block parsed into ranges, once per object (the object must not change afterwards). */
export function parsedIpBlock(block: IpBlockText): CidrWithExcept {
  let p = parsed.get(block);
  if (!p) {
    p = parseCidrWithExcept(block.cidr, block.except ?? []);
    parsed.set(block, p);
  }
  return p;
}

/** Whether an address of `family` (as a bigint, see `addressValue`) is in the block: in `cidr`, in no `except`. */
export function ipBlockHoldsAddress(block: IpBlockText, family: Family, address: bigint): boolean {
  return cidrWithExceptHolds(parsedIpBlock(block), family, address);
}

/** Whether an address written as text (either family) is in the block; text that is no address is in no block. */
export function ipBlockHoldsIp(block: IpBlockText, ip: string): boolean {
  const family = familyOf(ip);
  return family !== undefined && ipBlockHoldsAddress(block, family, addressValue(ip, family));
}

/** Whether an address written as text is in a CIDR (a block without except). */
export function cidrHoldsIp(cidr: string, ip: string): boolean {
  return ipBlockHoldsIp({ cidr }, ip);
}
