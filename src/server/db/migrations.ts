/** One numbered schema change. Migrations run in order, each in its own transaction, exactly once. */
export interface Migration {
  /** The schema version this migration brings the database to (1, 2, ...). */
  readonly version: number;
  /** What it does, for the `schema_migrations` table. */
  readonly name: string;
  /** The SQL statements (SQLite's; PostgreSQL's too unless `postgres` is given). */
  readonly sql: string;
  /**
   * PostgreSQL's statements where they differ: 64-bit integers for times and counters, identity columns, and
   * byte-order ("C") collation on text keys, so that ids sort and page as they do in SQLite.
   */
  readonly postgres?: string;
}

/** Every schema change, oldest first. Never edit a released migration: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, tokens, audit log',
    sql: `
      CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        cluster TEXT,
        password_hash TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        secret_hash TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        user_name TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        status INTEGER NOT NULL,
        result TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
      );
    `,
    postgres: `
      CREATE TABLE users (
        name TEXT COLLATE "C" PRIMARY KEY,
        role TEXT NOT NULL,
        cluster TEXT COLLATE "C",
        password_hash TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE tokens (
        id TEXT COLLATE "C" PRIMARY KEY,
        user_name TEXT COLLATE "C" NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        secret_hash TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at BIGINT NOT NULL
      );
      CREATE TABLE audit_log (
        id BIGSERIAL PRIMARY KEY,
        at BIGINT NOT NULL,
        user_name TEXT COLLATE "C" NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        action TEXT COLLATE "C" NOT NULL,
        target TEXT NOT NULL,
        status INTEGER NOT NULL,
        result TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
      );
    `,
  },
  {
    version: 2,
    name: 'cluster inventory and health',
    sql: `
      CREATE TABLE clusters (
        name TEXT PRIMARY KEY,
        registered_at INTEGER NOT NULL,
        registered_by TEXT NOT NULL,
        last_report_at INTEGER,
        generation INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE inventory_objects (
        cluster TEXT NOT NULL REFERENCES clusters(name) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        uid TEXT,
        body TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (cluster, kind, namespace, name)
      );
      CREATE INDEX inventory_objects_uid ON inventory_objects(kind, uid);
      CREATE TABLE health_reports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        cluster TEXT NOT NULL REFERENCES clusters(name) ON DELETE CASCADE,
        reported_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX health_reports_cluster ON health_reports(cluster, id);
    `,
    postgres: `
      CREATE TABLE clusters (
        name TEXT COLLATE "C" PRIMARY KEY,
        registered_at BIGINT NOT NULL,
        registered_by TEXT NOT NULL,
        last_report_at BIGINT,
        generation BIGINT NOT NULL DEFAULT 0
      );
      CREATE TABLE inventory_objects (
        cluster TEXT COLLATE "C" NOT NULL REFERENCES clusters(name) ON DELETE CASCADE,
        kind TEXT COLLATE "C" NOT NULL,
        namespace TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        uid TEXT COLLATE "C",
        body TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (cluster, kind, namespace, name)
      );
      CREATE INDEX inventory_objects_uid ON inventory_objects(kind, uid);
      CREATE TABLE health_reports (
        id BIGSERIAL PRIMARY KEY,
        cluster TEXT COLLATE "C" NOT NULL REFERENCES clusters(name) ON DELETE CASCADE,
        reported_at BIGINT NOT NULL,
        status TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX health_reports_cluster ON health_reports(cluster, id);
    `,
  },
  {
    version: 3,
    name: 'DFW groups, security policies, rules, realization, imports',
    sql: `
      CREATE TABLE dfw_groups (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        revision INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        modified_at INTEGER NOT NULL,
        modified_by TEXT NOT NULL
      );
      CREATE TABLE dfw_policies (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        revision INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        modified_at INTEGER NOT NULL,
        modified_by TEXT NOT NULL
      );
      CREATE TABLE dfw_rules (
        policy_id TEXT NOT NULL REFERENCES dfw_policies(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        body TEXT NOT NULL,
        revision INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        modified_at INTEGER NOT NULL,
        modified_by TEXT NOT NULL,
        PRIMARY KEY (policy_id, id)
      );
      CREATE TABLE realization (
        cluster TEXT NOT NULL,
        policy_id TEXT NOT NULL REFERENCES dfw_policies(id) ON DELETE CASCADE,
        revision INTEGER NOT NULL,
        state TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (cluster, policy_id)
      );
      CREATE TABLE imported_policies (
        uid TEXT PRIMARY KEY,
        cluster TEXT NOT NULL,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        import_id INTEGER NOT NULL,
        imported_at INTEGER NOT NULL,
        imported_by TEXT NOT NULL,
        removal TEXT NOT NULL,
        removed_at INTEGER
      );
      CREATE INDEX imported_policies_cluster ON imported_policies(cluster, removal);
      CREATE TABLE imports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        user_name TEXT NOT NULL,
        on_error TEXT NOT NULL,
        request_count INTEGER NOT NULL,
        success_count INTEGER NOT NULL
      );
    `,
    postgres: `
      CREATE TABLE dfw_groups (
        id TEXT COLLATE "C" PRIMARY KEY,
        body TEXT NOT NULL,
        revision BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        modified_at BIGINT NOT NULL,
        modified_by TEXT NOT NULL
      );
      CREATE TABLE dfw_policies (
        id TEXT COLLATE "C" PRIMARY KEY,
        body TEXT NOT NULL,
        revision BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        modified_at BIGINT NOT NULL,
        modified_by TEXT NOT NULL
      );
      CREATE TABLE dfw_rules (
        policy_id TEXT COLLATE "C" NOT NULL REFERENCES dfw_policies(id) ON DELETE CASCADE,
        id TEXT COLLATE "C" NOT NULL,
        body TEXT NOT NULL,
        revision BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        modified_at BIGINT NOT NULL,
        modified_by TEXT NOT NULL,
        PRIMARY KEY (policy_id, id)
      );
      CREATE TABLE realization (
        cluster TEXT COLLATE "C" NOT NULL,
        policy_id TEXT COLLATE "C" NOT NULL REFERENCES dfw_policies(id) ON DELETE CASCADE,
        revision BIGINT NOT NULL,
        state TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (cluster, policy_id)
      );
      CREATE TABLE imported_policies (
        uid TEXT COLLATE "C" PRIMARY KEY,
        cluster TEXT COLLATE "C" NOT NULL,
        namespace TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        import_id BIGINT NOT NULL,
        imported_at BIGINT NOT NULL,
        imported_by TEXT NOT NULL,
        removal TEXT NOT NULL,
        removed_at BIGINT
      );
      CREATE INDEX imported_policies_cluster ON imported_policies(cluster, removal);
      CREATE TABLE imports (
        id BIGSERIAL PRIMARY KEY,
        at BIGINT NOT NULL,
        user_name TEXT NOT NULL,
        on_error TEXT NOT NULL,
        request_count INTEGER NOT NULL,
        success_count INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'keep the body of imported NetworkPolicies (the reference for verification after their removal)',
    sql: `
      ALTER TABLE imported_policies ADD COLUMN body TEXT;
    `,
  },
  {
    version: 5,
    name: 'index realization by policy',
    sql: `
      CREATE INDEX realization_policy ON realization(policy_id);
    `,
  },
  {
    version: 6,
    name: 'imported NetworkPolicies keyed by (cluster, uid): one cluster\'s report never touches another\'s imports',
    sql: `
      CREATE TABLE imported_policies_v6 (
        cluster TEXT NOT NULL,
        uid TEXT NOT NULL,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        import_id INTEGER NOT NULL,
        imported_at INTEGER NOT NULL,
        imported_by TEXT NOT NULL,
        removal TEXT NOT NULL,
        removed_at INTEGER,
        body TEXT,
        PRIMARY KEY (cluster, uid)
      );
      INSERT INTO imported_policies_v6 (cluster, uid, namespace, name, import_id, imported_at, imported_by, removal, removed_at, body)
        SELECT cluster, uid, namespace, name, import_id, imported_at, imported_by, removal, removed_at, body FROM imported_policies;
      DROP TABLE imported_policies;
      ALTER TABLE imported_policies_v6 RENAME TO imported_policies;
      CREATE INDEX imported_policies_cluster ON imported_policies(cluster, removal);
      CREATE INDEX inventory_objects_cluster_uid ON inventory_objects(cluster, kind, uid);
    `,
    postgres: `
      CREATE TABLE imported_policies_v6 (
        cluster TEXT COLLATE "C" NOT NULL,
        uid TEXT COLLATE "C" NOT NULL,
        namespace TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        import_id BIGINT NOT NULL,
        imported_at BIGINT NOT NULL,
        imported_by TEXT NOT NULL,
        removal TEXT NOT NULL,
        removed_at BIGINT,
        body TEXT,
        PRIMARY KEY (cluster, uid)
      );
      INSERT INTO imported_policies_v6 (cluster, uid, namespace, name, import_id, imported_at, imported_by, removal, removed_at, body)
        SELECT cluster, uid, namespace, name, import_id, imported_at, imported_by, removal, removed_at, body FROM imported_policies;
      DROP TABLE imported_policies;
      ALTER TABLE imported_policies_v6 RENAME TO imported_policies;
      CREATE INDEX imported_policies_cluster ON imported_policies(cluster, removal);
      CREATE INDEX inventory_objects_cluster_uid ON inventory_objects(cluster, kind, uid);
    `,
  },
  {
    version: 7,
    name: 'index imported NetworkPolicies by uid (an import checks every uid in every cluster)',
    sql: `
      CREATE INDEX imported_policies_uid ON imported_policies(uid);
    `,
  },
  {
    version: 8,
    name: 'change epochs: counters bumped in the transaction of every change of credentials (caches) and of the DFW (imports planned meanwhile)',
    sql: `
      CREATE TABLE epochs (
        name TEXT PRIMARY KEY,
        value BIGINT NOT NULL
      );
      INSERT INTO epochs (name, value) VALUES ('credentials', 0);
      INSERT INTO epochs (name, value) VALUES ('dfw', 0);
    `,
  },
  {
    version: 9,
    name: 'DFW change log: the groups and security policies each DFW epoch changed (the import worker decodes only those again)',
    sql: `
      CREATE TABLE dfw_changes (
        epoch BIGINT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL
      );
      CREATE INDEX dfw_changes_epoch ON dfw_changes(epoch);
      INSERT INTO epochs (name, value) SELECT 'dfw_log_floor', value FROM epochs WHERE name = 'dfw';
    `,
  },
];
