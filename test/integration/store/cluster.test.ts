/**
 * The migrations' DDL for a ClickHouse cluster (REWIND_CLICKHOUSE_CLUSTER), on real servers as
 * far as a single machine allows:
 * - the run's server parses every statement (`EXPLAIN AST`) and formats it back with its
 *   ON CLUSTER clause and Replicated engine;
 * - a server configured with a cluster, `{shard}`/`{replica}` macros and an in-memory Keeper
 *   (`testkeeper`) creates every table, view and database from the statements with their
 *   ON CLUSTER taken out: engines, version columns and replica paths are accepted;
 * - the start refuses an unknown cluster and a cluster of several shards before any DDL.
 *
 * What this engine (chdb's clickhouse-local) cannot do, and so is not tested: run ON CLUSTER
 * (it has no distributed DDL worker: "Replicated DDL queries are disabled"), and replicate —
 * its replicated tables stay read-only, so the ALTERs of migration 7, inserts and the
 * materialized view's copying on Replicated tables are only parsed here.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type ClickHouseClient, createClient } from "@clickhouse/client"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import type { ClickHouseSettings } from "../../../src/store/ClickHouseConfig.ts"
import { type ClickHouseServerHandle, startClickHouseServer } from "../../../src/store/localServer.ts"
import { schemaStatements } from "../../../src/store/migrations.ts"
import { testClickHouseUrl, uniqueDatabase } from "../../helpers/clickhouse.ts"

const dir = mkdtempSync(join(tmpdir(), "rewind-store-cluster-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const text = async (client: ClickHouseClient, query: string, query_params: Record<string, unknown> = {}) =>
  (await client.query({ query, query_params, format: "TabSeparatedRaw" })).text()

const rows = async <A>(client: ClickHouseClient, query: string, query_params: Record<string, unknown> = {}) =>
  (await (await client.query({ query, query_params, format: "JSONEachRow" })).json()) as Array<A>

/** The error a store start fails with. */
const startError = (s: ClickHouseSettings) =>
  Effect.runPromise(Effect.flip(Effect.scoped(Layer.build(ClickHouse.layer(s)))))

const databaseExists = async (client: ClickHouseClient, database: string) =>
  (await rows<{ n: number }>(client, "SELECT count() AS n FROM system.databases WHERE name = {db:String}", { db: database }))[0]!.n === 1

describe("cluster DDL on the run's ClickHouse server", () => {
  let client: ClickHouseClient
  beforeAll(() => {
    client = createClient({ url: testClickHouseUrl() })
  })
  afterAll(() => client.close())

  it.each(["rewind_replicas", "ch-prod_2"])("every statement for cluster %s parses, and formats back ON CLUSTER with a Replicated engine", async (cluster) => {
    const statements = schemaStatements("analytics", cluster)
    expect(statements.length).toBeGreaterThan(10)
    for (const statement of statements) {
      const ast = await text(client, `EXPLAIN AST ${statement}`)
      expect(ast, statement).toMatch(/^(CreateQuery|AlterQuery) analytics/)
      // The server's own rendering of what it parsed: the clause and the engine survived parsing.
      const formatted = await text(client, "SELECT formatQuery({q:String})", { q: statement })
      expect(formatted, statement).toMatch(new RegExp(` ON CLUSTER \`?${cluster}\`?(\\s|$)`))
      if (statement.includes("ENGINE")) {
        expect(formatted, statement).toContain(
          "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}'"
        )
      }
    }
  })

  it("the insert dedup settings of migration 7 on a cluster are the server's MergeTree settings", async () => {
    const alters = schemaStatements("analytics", "c").filter((s) => s.startsWith("ALTER"))
    const names = [...new Set(alters.flatMap((a) => [...a.matchAll(/(\w+) = \d+/g)].map((m) => m[1]!)))]
    expect(names).toEqual(["replicated_deduplication_window", "replicated_deduplication_window_seconds"])
    const known = await rows<{ name: string }>(client, "SELECT name FROM system.merge_tree_settings WHERE name IN {names:Array(String)}", { names })
    expect(known.map((r) => r.name).sort()).toEqual(names)
  })

  it("a cluster the server does not know stops the start before any DDL, naming the setting", async () => {
    const database = uniqueDatabase("cluster")
    const error = await startError({ url: testClickHouseUrl(), user: "default", database, dataDir: dir, cluster: "rewind_replicas" })
    expect(error.message).toContain("REWIND_CLICKHOUSE_CLUSTER")
    expect(error.message).toContain("knows no cluster \"rewind_replicas\"")
    expect(await databaseExists(client, database)).toBe(false)
  })

  it("a cluster name that is not one, or a cluster without a server, is refused before connecting", async () => {
    const bad = await startError({ url: testClickHouseUrl(), user: "default", database: "x", dataDir: dir, cluster: "a b" })
    expect(bad.message).toContain("REWIND_CLICKHOUSE_CLUSTER \"a b\" is not a valid cluster name")
    const embedded = await startError({ user: "default", database: "x", dataDir: dir, cluster: "rewind_replicas" })
    expect(embedded.message).toContain("REWIND_CLICKHOUSE_CLUSTER needs a ClickHouse server")
  })
})

/** A server that knows two clusters, defines the macros, and keeps Keeper's data in memory. */
const clusterConfig = `<clickhouse>
  <zookeeper><implementation>testkeeper</implementation></zookeeper>
  <macros><shard>01</shard><replica>ch-1</replica></macros>
  <remote_servers>
    <one_shard>
      <shard>
        <replica><host>127.0.0.1</host><port>9000</port></replica>
        <replica><host>127.0.0.2</host><port>9000</port></replica>
      </shard>
    </one_shard>
    <two_shards>
      <shard><replica><host>127.0.0.1</host><port>9000</port></replica></shard>
      <shard><replica><host>127.0.0.2</host><port>9000</port></replica></shard>
    </two_shards>
  </remote_servers>
</clickhouse>
`

describe("cluster DDL on a server with a cluster, macros and an in-memory Keeper", () => {
  let server: ClickHouseServerHandle
  let client: ClickHouseClient
  beforeAll(async () => {
    const configFile = join(dir, "cluster.xml")
    writeFileSync(configFile, clusterConfig)
    server = await startClickHouseServer({ path: join(dir, "data"), configFile })
    client = createClient({ url: server.url })
  })
  afterAll(async () => {
    await client?.close()
    await server?.stop()
  })

  const settings = (database: string, cluster: string): ClickHouseSettings => ({
    url: server.url,
    user: "default",
    database,
    dataDir: dir,
    cluster
  })

  it("creates every database, table and view of the statements (ON CLUSTER taken out), replicated under the documented paths", async () => {
    const database = "rewind_cluster"
    const statements = schemaStatements(database, "one_shard")
    const creates = statements.filter((s) => s.startsWith("CREATE"))
    expect(creates.length).toBe(statements.length - 2) // the two ALTERs of migration 7 need a writable replica
    for (const statement of creates) {
      const local = statement.replace(" ON CLUSTER `one_shard`", "")
      expect(local).not.toBe(statement)
      await client.command({ query: local })
    }
    const tables = await rows<{ name: string; engine: string }>(
      client,
      "SELECT name, engine FROM system.tables WHERE database = {db:String} ORDER BY name",
      { db: database }
    )
    expect(tables).toEqual([
      { name: "block_topic_history", engine: "ReplicatedReplacingMergeTree" },
      { name: "block_topic_history_mv", engine: "MaterializedView" },
      { name: "block_topics", engine: "ReplicatedReplacingMergeTree" },
      { name: "interactions", engine: "ReplicatedReplacingMergeTree" },
      { name: "job_results", engine: "ReplicatedReplacingMergeTree" },
      { name: "recovery_counts", engine: "ReplicatedReplacingMergeTree" },
      { name: "recovery_pending", engine: "ReplicatedReplacingMergeTree" },
      { name: "schema_migrations", engine: "ReplicatedReplacingMergeTree" },
      { name: "transcript_blocks", engine: "ReplicatedReplacingMergeTree" },
      { name: "usage_monthly", engine: "ReplicatedReplacingMergeTree" }
    ])
    const replicas = await rows<{ table: string; zookeeper_path: string; replica_name: string }>(
      client,
      "SELECT table, zookeeper_path, replica_name FROM system.replicas WHERE database = {db:String} ORDER BY table",
      { db: database }
    )
    expect(replicas).toHaveLength(9)
    for (const r of replicas) {
      expect(r).toEqual({ table: r.table, zookeeper_path: `/clickhouse/tables/01/${database}/${r.table}`, replica_name: "ch-1" })
    }
  })

  it("the start refuses a cluster of several shards before any DDL", async () => {
    const database = uniqueDatabase("cluster")
    const error = await startError(settings(database, "two_shards"))
    expect(error.message).toContain("REWIND_CLICKHOUSE_CLUSTER")
    expect(error.message).toContain("cluster \"two_shards\" has 2 shards")
    expect(await databaseExists(client, database)).toBe(false)
  })

  it("a cluster of one shard passes the check; its first ON CLUSTER statement is as far as this engine goes", async () => {
    const error = await startError(settings(uniqueDatabase("cluster"), "one_shard"))
    // Reached the distributed DDL, which clickhouse-local does not run (no DDL worker).
    expect(error.message).toContain("Replicated DDL queries are disabled")
  })
})
