import type { DfwConfig } from '../../model/dfw-config.ts';
import { clusterWorlds, type ClusterWorlds } from '../import/verify-clusters.ts';
import type { ServerContext } from '../server-context.ts';

/** How many computed views the cache keeps (engines and heatmaps of the current database state). */
const MAX_ENTRIES = 32;

/**
 * What the console's reads compute from the stored state (the DFW as a config, each cluster's two worlds, the
 * heatmaps), kept while the database does not change: the key includes this connection's change counter and
 * SQLite's data_version (which moves when another connection commits), or PostgreSQL's current snapshot (which
 * moves when any transaction commits, on any replica): a write makes every entry stale.
 */
export class ConsoleCache {
  readonly #ctx: ServerContext;
  readonly #entries = new Map<string, unknown>();
  #stamp = '';

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
  }

  /** The value under `key` for the database as it is now, computed when missing. */
  async get<T>(key: string, compute: () => T | Promise<T>): Promise<T> {
    const stamp = await this.#ctx.db.changeStamp();
    if (stamp !== this.#stamp) {
      this.#entries.clear();
      this.#stamp = stamp;
    }
    if (this.#entries.has(key)) {
      // least recently used goes first: a hit moves to the end
      const hit = this.#entries.get(key) as T;
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const value = await compute();
    if (stamp !== this.#stamp) return value;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, value);
    return value;
  }

  /** The stored DFW with the origin of each policy and rule (objects that do not decode are left out). */
  async config(): Promise<DfwConfig> {
    return (await this.get('config', () => this.#ctx.policies.decodedConfig())).config;
  }

  /** What the views computed on the stored DFW must say: the stored objects that could not be evaluated. */
  async warnings(): Promise<string[]> {
    const { undecodable } = await this.get('config', () => this.#ctx.policies.decodedConfig());
    return undecodable.slice(0, 20).map((u) => `${u.path} is left out: ${u.problem}`);
  }

  /** A cluster's two worlds: Kubernetes before any import, and the state now. */
  worlds(cluster: string): Promise<ClusterWorlds> {
    return this.get(`worlds\u0000${cluster}`, async () => clusterWorlds(this.#ctx.inventory, cluster, await this.config()));
  }
}
