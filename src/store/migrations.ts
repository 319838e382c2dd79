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
 */
import type { ClickHouseClient } from "@clickhouse/client"
import { Effect } from "effect"
import { command, nowCh, selectRows, tableNames, type TableNames, insertRows } from "./sql.ts"
import type { StoreError } from "./StoreError.ts"

export interface Migration {
  readonly version: number
  readonly name: string
  readonly statements: (t: TableNames) => ReadonlyArray<string>
}

export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: "interactions and transcript blocks",
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.interactions} (
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
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(start_time)
      ORDER BY (start_time, id)`,
      // start_time is copied from the interaction so a page's blocks are read from one
      // contiguous range of the sorting key.
      `CREATE TABLE IF NOT EXISTS ${t.transcriptBlocks} (
        interaction_id String,
        start_time DateTime64(3, 'UTC'),
        transcript_id String,
        block_index UInt32,
        participant LowCardinality(String),
        offset_ms UInt32,
        text String CODEC(ZSTD(1))
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(start_time)
      ORDER BY (start_time, interaction_id, transcript_id, block_index)`
    ]
  },
  {
    version: 2,
    name: "block topics and their history",
    statements: (t) => [
      // One row per (block, topic, version): the version is part of the sorting key, so
      // older versions survive merges and "topics as they stood before version V" is
      // argMax(is_deleted, version) over the rows with version < V. A replay of the same
      // (block, topic, version) collapses into one row.
      `CREATE TABLE IF NOT EXISTS ${t.blockTopics} (
        interaction_id String,
        transcript_id String,
        block_index UInt32,
        topic_id LowCardinality(String),
        version UInt64,
        is_deleted UInt8,
        job_id LowCardinality(String)
      ) ENGINE = ReplacingMergeTree
      ORDER BY (interaction_id, transcript_id, block_index, topic_id, version)`,
      `CREATE TABLE IF NOT EXISTS ${t.blockTopicHistory} (
        interaction_id String,
        transcript_id String,
        block_index UInt32,
        topic_id LowCardinality(String),
        change LowCardinality(String),
        job_id String,
        version UInt64,
        at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (job_id, version, interaction_id, transcript_id, block_index, topic_id, change)`
    ]
  },
  {
    version: 3,
    name: "job results",
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.jobResults} (
        job_id String,
        interaction_id String,
        outcome LowCardinality(String),
        new_topics Array(LowCardinality(String)),
        processed_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (job_id, interaction_id)`
    ]
  },
  {
    version: 4,
    name: "monthly usage",
    statements: (t) => [
      // No version column: the last inserted row of a (month, job_id) wins.
      `CREATE TABLE IF NOT EXISTS ${t.usageMonthly} (
        month String,
        job_id String,
        interactions UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY (month, job_id)`
    ]
  },
  {
    version: 5,
    name: "recovery runs and pending conversations",
    statements: (t) => [
      // Counts of one recovery run per media type; the last row recorded wins.
      `CREATE TABLE IF NOT EXISTS ${t.recoveryCounts} (
        run_id String,
        media_type LowCardinality(String),
        platform UInt64,
        store UInt64,
        missing UInt64,
        recovered UInt64,
        pending UInt64,
        failed UInt64,
        recorded_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree(recorded_at)
      ORDER BY (run_id, media_type)`,
      // Conversations whose content the platform was still preparing: retried by later runs
      // until resolved (recovered, or gone from the platform).
      `CREATE TABLE IF NOT EXISTS ${t.recoveryPending} (
        conversation_id String,
        media_type LowCardinality(String),
        run_id String,
        -- the platform's conversation (JSON), so a retry needs no new query
        conversation String,
        first_seen DateTime64(3, 'UTC'),
        attempts UInt32,
        resolved UInt8,
        version UInt64
      ) ENGINE = ReplacingMergeTree(version)
      ORDER BY conversation_id`
    ]
  },
  {
    version: 6,
    name: "block topic history written by the engine",
    statements: (t) => [
      // A job's topic changes are inserted once, into block_topics; the engine copies them into
      // the history (the embedded engine parses inserted rows far slower than it copies them,
      // and inserts were the job's largest cost). Ingestion (job_id '') keeps no history.
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.blockTopicHistoryView} TO ${t.blockTopicHistory} AS
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
    statements: (t) => [
      // A job's batch written again (a crash between writing and checkpointing, a redelivered
      // work item) carries the same insert_deduplication_token: the engine drops it, so these
      // tables hold no duplicate rows even before a merge (FINAL and plain reads agree).
      `ALTER TABLE ${t.blockTopics} MODIFY SETTING non_replicated_deduplication_window = 100000`,
      `ALTER TABLE ${t.jobResults} MODIFY SETTING non_replicated_deduplication_window = 100000`
    ]
  }
]

/** Create the database if needed and apply every migration not yet recorded. Returns the versions applied now. */
export const migrate = (
  client: ClickHouseClient,
  database: string
): Effect.Effect<ReadonlyArray<number>, StoreError> =>
  Effect.gen(function*() {
    const t = tableNames(database)
    yield* command(client, "migrate", `CREATE DATABASE IF NOT EXISTS \`${database}\``)
    yield* command(
      client,
      "migrate",
      `CREATE TABLE IF NOT EXISTS ${t.schemaMigrations} (
        version UInt32,
        name String,
        applied_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree
      ORDER BY version`
    )
    const done = yield* selectRows<[number]>(client, "migrate", `SELECT DISTINCT version FROM ${t.schemaMigrations}`, {})
    const applied = new Set(done.map((r) => Number(r[0])))
    const now: Array<number> = []
    for (const m of migrations) {
      if (applied.has(m.version)) continue
      for (const statement of m.statements(t)) yield* command(client, `migrate ${m.version}`, statement)
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
