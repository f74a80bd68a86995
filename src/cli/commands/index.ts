import type { Command } from 'commander';

/**
 * One command of the CLI: its name, the words `np2dfw --help` shows for it (its usage term and one-line summary,
 * kept here so that the help lists every command without loading any), and how to load and register it. Only the
 * invoked command's modules are loaded (test/cli/lazy-commands.test.ts checks this table against the commands).
 */
export interface CommandEntry {
  readonly name: string;
  /** The term `np2dfw --help` lists: `reach [options]`, `inventory`. */
  readonly term: string;
  readonly summary: string;
  readonly load: () => Promise<(program: Command) => void>;
}

/** Every command of the CLI, in the order `np2dfw --help` lists them; each lives in its own file. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'reach', term: 'reach [options]', summary: 'print which endpoints may connect to which, per port (row = source, column = destination)', load: async () => (await import('./reach.ts')).registerReach },
  { name: 'explain', term: 'explain [options]', summary: 'explain whether one connection is allowed, and which policy, rule, peer and port decided each direction', load: async () => (await import('./explain.ts')).registerExplain },
  { name: 'convert', term: 'convert [options]', summary: 'convert the NetworkPolicies into a target\'s objects (nsx: the body of PATCH /policy/api/v1/infra, or seed 000\'s rule tables)', load: async () => (await import('./convert.ts')).registerConvert },
  { name: 'verify', term: 'verify [options]', summary: 'prove that the converted form (or, with --against, an existing configuration) allows exactly what the NetworkPolicies allow (exit 0 equivalent, 1 different, 2 invalid input, 3 refused)', load: async () => (await import('./verify.ts')).registerVerify },
  { name: 'diff', term: 'diff [options]', summary: 'show the connections whose verdict changes between two sets of policies (-f BEFORE --to AFTER) or the NetworkPolicies and a target\'s converted form (--to-target); exit 0 nothing changes, 1 something does', load: async () => (await import('./diff.ts')).registerDiff },
  { name: 'apply', term: 'apply [options]', summary: 'enforce the cluster\'s policies on this node with ipset+iptables or nftables: swaps the new ruleset in atomically and touches only np2dfw\'s own chains, sets and table (root)', load: async () => (await import('./apply.ts')).registerApply },
  { name: 'lab', term: 'lab [options]', summary: 'build the pods as network namespaces, load the nftables or ipset+iptables ruleset on their nodes, probe every pair with real TCP/UDP connections, and compare with the Kubernetes semantics (root only)', load: async () => (await import('./lab.ts')).registerLab },
  { name: 'serve', term: 'serve [options]', summary: 'run the management plane: an NSX-compatible import and policy API on an embedded SQLite database or PostgreSQL', load: async () => (await import('./serve.ts')).registerServe },
  { name: 'import', term: 'import [options]', summary: 'import Kubernetes NetworkPolicies into the DFW through NSX\'s import API (NSX Manager or np2dfw serve)', load: async () => (await import('./import.ts')).registerImport },
  { name: 'inventory', term: 'inventory', summary: 'report and read clusters\' inventories on np2dfw serve', load: async () => (await import('./inventory.ts')).registerInventory },
  { name: 'user', term: 'user', summary: 'manage the users of np2dfw serve directly on its database', load: async () => (await import('./user.ts')).registerUser },
  { name: 'adapter', term: 'adapter [options]', summary: 'connect a cluster to the manager: report inventory, health, statistics and traceflows; realize its DFW policies as Antrea objects', load: async () => (await import('./adapter.ts')).registerAdapter },
];

/**
 * Registers the commands: those named in `load` (or every one when it is undefined) with all their options, the
 * others as a name and a summary only, enough for `np2dfw --help` and for commander to tell an unknown command.
 */
export async function registerCommands(program: Command, load?: ReadonlySet<string>): Promise<void> {
  const registers = await Promise.all(COMMANDS.map((c) => (load === undefined || load.has(c.name) ? c.load() : undefined)));
  COMMANDS.forEach((c, i) => {
    const register = registers[i];
    if (register) register(program);
    else program.command(c.name).description(c.summary);
  });
}

/** The term `np2dfw --help` lists for a command: the table's, whether or not the command is loaded. */
export function commandTerm(name: string): string | undefined {
  return COMMANDS.find((c) => c.name === name)?.term;
}
