/**
 * Versioned, idempotent schema migrations, applied at start (ClickHouse.layer).
 *
 * Each migration is a list of DDL statements that are themselves idempotent
 * (`IF NOT EXISTS`), so two daemons racing at start, or a crash between a statement and its
 * record in `schema_migrations`, leave the same schema. Applied versions are recorded in
 * `schema_migrations`; a migration already recorded is skipped. Never edit a released
 * migration — add a new one.
 *
 * Every table is a ReplacingMergeTree whose sorting key is the row's identity, so a replayed
 * batch leaves no duplicates once read with FINAL or a dedup-safe aggregate.
 *
 * On a cluster (`REWIND_CLICKHOUSE_CLUSTER`, see ddl.ts) the same statements are written
 * `ON CLUSTER`, with Replicated engines; `schema_migrations` too, so the record of a migration
 * is the cluster's, like the schema it records: a daemon on any node sees it. (Recorded per
 * node, a daemon on another node would run every migration ON CLUSTER again — harmless, being
 * idempotent, but a record that says less than what was done.)
 */
import type { ClickHouseClient } from "@clickhouse/client"
import * as Effect from "effect/Effect"
import { type Ddl, ddlFor } from "./ddl.ts"
import { command, nowCh, selectRows, tableNames, type TableNames, insertRows } from "./sql.ts"
import { StoreError } from "./StoreError.ts"

export interface Migration {
  readonly version: number
  readonly name: string
  readonly statements: (t: TableNames, d: Ddl) => ReadonlyArray<string>
}

export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: "interactions and transcript blocks",
    statements: (t, d) => [
      `CREATE TABLE IF NOT EXISTS ${t.interactions}${d.onCluster} (
        id String,
        start_time DateTime64(3, 'UTC'),
        end_time DateTime64(3, 'UTC'),
        media_type LowCardinality(String),
        direction LowCardinality(String),
        queue_id LowCardinality(String),
        division_id LowCardinality(String),
        agent_ids Array(String),
        language LowCardinality(String),
        program_ids Array(LowCardinality(String)),
        source LowCardinality(String),
        ingested_at DateTime64(3, 'UTC')
      ) ENGINE = ${d.replacingMergeTree()}
      PARTITION BY toYYYYMM(start_time)
      ORDER BY (start_time, id)`,
      // start_time is copied from the interaction so a page's blocks are read from one
      // contiguous range of the sorting key.
      `CREATE TABLE IF NOT EXISTS ${t.transcriptBlocks}${d.onCluster} (
        interaction_id String,
        start_time DateTime64(3, 'UTC'),
        transcript_id String,
        block_index UInt32,
        participant LowCardinality(String),
        offset_ms UInt32,
        text String CODEC(ZSTD(1))
      ) ENGINE = ${d.replacingMergeTree()}
      PARTITION BY toYYYYMM(start_time)
      ORDER BY (start_time, interaction_id, transcript_id, block_index)`
    ]
  },
  {
    version: 2,
    name: "block topics and their history",
    statements: (t, d) => [
      // One row per (block, topic, version): the version is part of the sorting key, so
      // older versions survive merges and "topics as they stood before version V" is
      // argMax(is_deleted, version) over the rows with version < V. A replay of the same
      // (block, topic, version) collapses into one row.
      `CREATE TABLE IF NOT EXISTS ${t.blockTopics}${d.onCluster} (
        interaction_id String,
        transcript_id String,
        block_index UInt32,
        topic_id LowCardinality(String),
        version UInt64,
        is_deleted UInt8,
        job_id LowCardinality(String)
      ) ENGINE = ${d.replacingMergeTree()}
      ORDER BY (interaction_id, transcript_id, block_index, topic_id, version)`,
      `CREATE TABLE IF NOT EXISTS ${t.blockTopicHistory}${d.onCluster} (
        interaction_id String,
        transcript_id String,
        block_index UInt32,
        topic_id LowCardinality(String),
        change LowCardinality(String),
        job_id String,
        version UInt64,
        at DateTime64(3, 'UTC')
      ) ENGINE = ${d.replacingMergeTree()}
      ORDER BY (job_id, version, interaction_id, transcript_id, block_index, topic_id, change)`
    ]
  },
  {
    version: 3,
    name: "job results",
    statements: (t, d) => [
      `CREATE TABLE IF NOT EXISTS ${t.jobResults}${d.onCluster} (
        job_id String,
        interaction_id String,
        outcome LowCardinality(String),
        new_topics Array(LowCardinality(String)),
        processed_at DateTime64(3, 'UTC')
      ) ENGINE = ${d.replacingMergeTree()}
      ORDER BY (job_id, interaction_id)`
    ]
  },
  {
    version: 4,
    name: "monthly usage",
    statements: (t, d) => [
      // No version column: the last inserted row of a (month, job_id) wins.
      `CREATE TABLE IF NOT EXISTS ${t.usageMonthly}${d.onCluster} (
        month String,
        job_id String,
        interactions UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ${d.replacingMergeTree()}
      ORDER BY (month, job_id)`
    ]
  },
  {
    version: 5,
    name: "recovery runs and pending conversations",
    statements: (t, d) => [
      // Counts of one recovery run per media type; the last row recorded wins.
      `CREATE TABLE IF NOT EXISTS ${t.recoveryCounts}${d.onCluster} (
        run_id String,
        media_type LowCardinality(String),
        platform UInt64,
        store UInt64,
        missing UInt64,
        recovered UInt64,
        pending UInt64,
        failed UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ${d.replacingMergeTree("recorded_at")}
      ORDER BY (run_id, media_type)`,
      // Conversations whose content the platform was still preparing: retried by later runs
      // until resolved (recovered, or gone from the platform).
      `CREATE TABLE IF NOT EXISTS ${t.recoveryPending}${d.onCluster} (
        conversation_id String,
        media_type LowCardinality(String),
        run_id String,
        -- the platform's conversation (JSON), so a retry needs no new query
        conversation String,
        first_seen DateTime64(3, 'UTC'),
        attempts UInt32,
        resolved UInt8,
        version UInt64
      ) ENGINE = ${d.replacingMergeTree("version")}
      ORDER BY conversation_id`
    ]
  },
  {
    version: 6,
    name: "block topic history written by the engine",
    statements: (t, d) => [
      // A job's topic changes are inserted once, into block_topics; the engine copies them into
      // the history (the embedded engine parses inserted rows far slower than it copies them,
      // and inserts were the job's largest cost). Ingestion (job_id '') keeps no history.
      // On a cluster the view is on every node and writes to that node's replica of the history:
      // a view sees the inserts made on its own node only (parts a replica fetches do not pass
      // through views), and the history's replication takes the rows to the other nodes — each
      // row is written once.
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.blockTopicHistoryView}${d.onCluster} TO ${t.blockTopicHistory} AS
      SELECT interaction_id, transcript_id, block_index, topic_id,
        if(is_deleted = 1, 'removed', 'added') AS change,
        toString(job_id) AS job_id, version, now64(3, 'UTC') AS at
      FROM ${t.blockTopics}
      WHERE job_id != ''`
    ]
  },
  {
    version: 7,
    name: "replayed job batches dropped at insert",
    statements: (t, d) => [
      // A job's batch written again (a crash between writing and checkpointing, a redelivered
      // work item) carries the same insert_deduplication_token: the engine drops it, so these
      // tables hold no duplicate rows even before a merge (FINAL and plain reads agree).
      // On a cluster the Replicated setting instead (ddl.ts): the hashes are kept in Keeper for
      // all replicas, so a replay through any node is dropped. A setting is each replica's own
      // (the engine does not replicate MODIFY SETTING), hence ON CLUSTER: every node runs it.
      `ALTER TABLE ${t.blockTopics}${d.onCluster} MODIFY SETTING ${d.insertDedupWindow(100000)}`,
      `ALTER TABLE ${t.jobResults}${d.onCluster} MODIFY SETTING ${d.insertDedupWindow(100000)}`
    ]
  }
]

/** The database and the table that records applied migrations: created before any migration. */
export const bookkeeping = (database: string, d: Ddl): ReadonlyArray<string> => {
  const t = tableNames(database)
  return [
    `CREATE DATABASE IF NOT EXISTS \`${database}\`${d.onCluster}`,
    `CREATE TABLE IF NOT EXISTS ${t.schemaMigrations}${d.onCluster} (
        version UInt32,
        name String,
        applied_at DateTime64(3, 'UTC')
      ) ENGINE = ${d.replacingMergeTree()}
      ORDER BY version`
  ]
}

/**
 * Every statement a first start sends, in order, for one server (no `cluster`) or for `cluster`:
 * the bookkeeping, then each migration's. Pure; the tests parse them on a server.
 */
export const schemaStatements = (database: string, cluster?: string): ReadonlyArray<string> => {
  const d = ddlFor(cluster)
  const t = tableNames(database)
  return [...bookkeeping(database, d), ...migrations.flatMap((m) => m.statements(t, d))]
}

/**
 * On a cluster, before any DDL: the server must know the cluster (`system.clusters`, from its
 * `remote_servers`), and the cluster must be one shard — the tables are plain replicated tables
 * with no Distributed layer, so on several shards each daemon would see only its node's shard.
 */
export const checkCluster = (client: ClickHouseClient, cluster: string): Effect.Effect<void, StoreError> =>
  Effect.gen(function*() {
    const rows = yield* selectRows<[number | string, number | string]>(
      client,
      "migrate",
      "SELECT count(), uniqExact(shard_num) FROM system.clusters WHERE cluster = {cluster:String}",
      { cluster }
    )
    const [hosts, shards] = (rows[0] ?? [0, 0]).map(Number) as [number, number]
    if (hosts === 0) {
      return yield* new StoreError({
        operation: "migrate",
        message: `REWIND_CLICKHOUSE_CLUSTER: the ClickHouse server knows no cluster ${JSON.stringify(cluster)} ` +
          "(system.clusters lists the clusters of its remote_servers)"
      })
    }
    if (shards > 1) {
      return yield* new StoreError({
        operation: "migrate",
        message: `REWIND_CLICKHOUSE_CLUSTER: cluster ${JSON.stringify(cluster)} has ${shards} shards; Rewind keeps its ` +
          "tables on one shard, replicated on each of its nodes: name a cluster of one shard " +
          "(a remote_servers entry of its own for Rewind's replicas)"
      })
    }
  })

/**
 * Create the database if needed and apply every migration not yet recorded, for one server or,
 * with `cluster`, ON CLUSTER. Returns the versions applied now.
 */
export const migrate = (
  client: ClickHouseClient,
  database: string,
  cluster?: string
): Effect.Effect<ReadonlyArray<number>, StoreError> =>
  Effect.gen(function*() {
    const t = tableNames(database)
    const d = ddlFor(cluster)
    if (cluster !== undefined) yield* checkCluster(client, cluster)
    for (const statement of bookkeeping(database, d)) yield* command(client, "migrate", statement)
    const done = yield* selectRows<[number]>(client, "migrate", `SELECT DISTINCT version FROM ${t.schemaMigrations}`, {})
    const applied = new Set(done.map((r) => Number(r[0])))
    const now: Array<number> = []
    for (const m of migrations) {
      if (applied.has(m.version)) continue
      for (const statement of m.statements(t, d)) yield* command(client, `migrate ${m.version}`, statement)
      yield* insertRows(client, `migrate ${m.version}`, t.schemaMigrations, ["version", "name", "applied_at"], [
        [m.version, m.name, nowCh()]
      ])
      now.push(m.version)
    }
    return now
  })

/** Versions recorded in `schema_migrations`, ascending. */
export const appliedMigrations = (
  client: ClickHouseClient,
  database: string
): Effect.Effect<ReadonlyArray<number>, StoreError> =>
  selectRows<[number]>(
    client,
    "appliedMigrations",
    `SELECT DISTINCT version FROM ${tableNames(database).schemaMigrations} ORDER BY version`,
    {}
  ).pipe(Effect.map((rows) => rows.map((r) => Number(r[0]))))
