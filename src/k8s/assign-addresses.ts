import { addressBits, formatAddress, familyOf, addressValue, type Family } from '../net/ip-address.ts';
import type { InputProblem } from './invalid-input.ts';
import { podId, type Pod } from './pod.ts';

/**
 * The ranges np2dfw assigns pods to be from when none is given: kind's and kubeadm's default pod subnets, so that
 * policies written for such clusters (an ipBlock excluding 10.0.0.0/8, say) see the addresses they expect.
 */
export const DEFAULT_ASSIGN_CIDRS: Readonly<Record<Family, string>> = { 4: '10.244.0.0/16', 6: 'fd00:10:244::/56' };

/** Where pods to be get their addresses. */
export interface AssignPlan {
  /** At most one CIDR per family (checkAssignCidrs); absent: the defaults of the families the given pods use. */
  readonly cidrs?: readonly string[];
  /** Addresses that must not be assigned: the externals the command shows. Given pods' addresses never are. */
  readonly reserved?: readonly string[];
}

/** A checked CIDR: its family and first and last address. */
interface Range {
  readonly cidr: string;
  readonly family: Family;
  readonly start: bigint;
  readonly end: bigint;
}

function parseRange(text: string): Range | string {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  const family = m ? familyOf(m[1]) : undefined;
  if (!m || !family) return `${text}: not a CIDR (such as ${DEFAULT_ASSIGN_CIDRS[4]} or ${DEFAULT_ASSIGN_CIDRS[6]})`;
  const bits = addressBits(family);
  const prefix = Number(m[2]);
  if (prefix > bits - 2) return `${text}: the prefix leaves no room for pods; use /${bits - 2} or shorter`;
  const value = addressValue(m[1], family);
  const hostBits = BigInt(bits - prefix);
  const start = (value >> hostBits) << hostBits;
  if (start !== value) return `${text}: not a network address (did you mean ${formatAddress(start, family)}/${prefix}?)`;
  return { cidr: `${formatAddress(start, family)}/${prefix}`, family, start, end: start + (1n << hostBits) - 1n };
}

/** Checks `--assign-cidr` values: CIDRs, at most one per family. Returns the canonical CIDRs, or why not. */
export function checkAssignCidrs(values: readonly string[]): { cidrs: string[] } | { error: string } {
  const byFamily = new Map<Family, string>();
  for (const v of values) {
    const r = parseRange(v);
    if (typeof r === 'string') return { error: r };
    const other = byFamily.get(r.family);
    if (other && other !== r.cidr) return { error: `${v}: one range per address family (IPv${r.family} already has ${other})` };
    byFamily.set(r.family, r.cidr);
  }
  return { cidrs: [...byFamily.keys()].sort().map((f) => byFamily.get(f)!) };
}

/**
 * Gives every pod to be (a workload, a Pod manifest without status) one address of each family of the plan,
 * in the order of their ids (`namespace/name[Kind]`), so that the same objects get the same addresses whatever
 * the order of files. Addresses are taken in order from each range's first host address, skipping every address
 * a given pod holds and every reserved one. Without a plan, the default range of each family the given pods use
 * (IPv4 when none has an address). A range too small for every pod to be is a problem.
 */
export function assignAddresses(pods: readonly Pod[], plan: AssignPlan, problems: InputProblem[]): Pod[] {
  const toBe = pods.filter((p) => p.toBe && p.ips.length === 0);
  if (toBe.length === 0) return [...pods];
  const taken = new Set<string>();
  const families = new Set<Family>();
  for (const p of pods) {
    for (const ip of p.ips) {
      const f = familyOf(ip);
      if (!f) continue;
      families.add(f);
      taken.add(formatAddress(addressValue(ip, f), f));
    }
  }
  for (const ip of plan.reserved ?? []) {
    const f = familyOf(ip);
    if (f) taken.add(formatAddress(addressValue(ip, f), f));
  }
  const cidrs = plan.cidrs ?? (families.size ? [...families].sort() : [4 as Family]).map((f) => DEFAULT_ASSIGN_CIDRS[f]);
  const ranges = cidrs.map(parseRange).filter((r): r is Range => typeof r !== 'string');
  const order = [...toBe].sort((a, b) => (podId(a) < podId(b) ? -1 : podId(a) > podId(b) ? 1 : 0));
  const given = new Map<Pod, string[]>(order.map((p) => [p, []]));
  for (const r of ranges) {
    // The network address, and IPv4's broadcast address, are never a pod's.
    let next = r.start + 1n;
    const last = r.family === 4 ? r.end - 1n : r.end;
    for (const p of order) {
      while (next <= last && taken.has(formatAddress(next, r.family))) next++;
      if (next > last) {
        problems.push({ path: [], message: `the range ${r.cidr} has no address left for ${podId(p)} (${order.length} pods to be, and the addresses given): give a larger range with --assign-cidr` });
        return [...pods];
      }
      given.get(p)!.push(formatAddress(next, r.family));
      next++;
    }
  }
  return pods.map((p) => (given.has(p) ? { ...p, ips: given.get(p)! } : p));
}
