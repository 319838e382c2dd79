/**
 * The statements the migrations send, recorded by a client that runs nothing. The released DDL
 * (no cluster) is pinned by a snapshot: a released migration must never change, and a change to
 * how the DDL is generated must leave it byte for byte as it was.
 */
import type { ClickHouseClient } from "@clickhouse/client"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { migrate, schemaStatements } from "../../../src/store/migrations.ts"

interface Sent {
  readonly kind: "command" | "query" | "insert"
  readonly text: string
}

/** A client that records what it is sent; SELECTs answer `rows`. */
const recordingClient = (rows: (query: string) => ReadonlyArray<ReadonlyArray<unknown>> = () => []) => {
  const sent: Array<Sent> = []
  const client = {
    command: async (p: { query: string }) => {
      sent.push({ kind: "command", text: p.query })
      return {}
    },
    query: async (p: { query: string }) => {
      sent.push({ kind: "query", text: p.query })
      return { json: async () => ({ data: rows(p.query) }) }
    },
    insert: async (p: { table: string }) => {
      sent.push({ kind: "insert", text: p.table })
      return {}
    }
  } as unknown as ClickHouseClient
  return { client, sent }
}

describe("migration DDL on one server (no cluster)", () => {
  it("is what was released, byte for byte", async () => {
    const { client, sent } = recordingClient()
    const applied = await Effect.runPromise(migrate(client, "rewind"))
    expect(applied).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(sent.filter((s) => s.kind === "command").map((s) => s.text)).toMatchSnapshot()
  })
})

const commandsOf = (sent: ReadonlyArray<Sent>) => sent.filter((s) => s.kind === "command").map((s) => s.text)

/** The object a CREATE or ALTER names, and what follows it. */
const head = /^(CREATE (?:DATABASE|TABLE|MATERIALIZED VIEW) IF NOT EXISTS|ALTER TABLE) (\S+)(.*)$/s

describe("schemaStatements", () => {
  it("are what migrate sends on a first start, for one server and for a cluster", async () => {
    const one = recordingClient()
    await Effect.runPromise(migrate(one.client, "rewind"))
    expect(commandsOf(one.sent)).toEqual(schemaStatements("rewind"))

    const cluster = recordingClient((q) => (q.includes("system.clusters") ? [[2, 1]] : []))
    await Effect.runPromise(migrate(cluster.client, "rewind", "rewind_replicas"))
    expect(commandsOf(cluster.sent)).toEqual(schemaStatements("rewind", "rewind_replicas"))
    // The cluster is checked before any DDL.
    expect(cluster.sent[0]).toEqual({ kind: "query", text: expect.stringContaining("system.clusters") })
  })

  it("on a cluster: every CREATE and ALTER is ON CLUSTER, every engine Replicated, the dedup window the replicated one", () => {
    for (const name of ["rewind_replicas", "ch-prod_2"]) {
      const statements = schemaStatements("analytics", name)
      expect(statements).toHaveLength(schemaStatements("analytics").length)
      for (const s of statements) {
        const m = head.exec(s)
        expect(m, s).not.toBeNull()
        expect(m![3]!.startsWith(` ON CLUSTER \`${name}\` `) || m![3] === ` ON CLUSTER \`${name}\``, s).toBe(true)
        for (const engine of s.matchAll(/ENGINE = (\w+)/g)) {
          expect(engine[1]).toMatch(/^Replicated\w*MergeTree$/)
        }
        expect(s).not.toContain("non_replicated")
      }
      const engines = statements.flatMap((s) => [...s.matchAll(/ENGINE = (.*)$/gm)].map((e) => e[1]))
      // Eight tables and schema_migrations, each replicated under the documented path and macros.
      expect(engines).toHaveLength(9)
      for (const e of engines) expect(e).toMatch(/^ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'(, \w+)?\)$/)
      expect(engines.filter((e) => e!.endsWith(", recorded_at)") || e!.endsWith(", version)"))).toHaveLength(2)
      // The view is ON CLUSTER and writes to a replicated table.
      const view = statements.find((s) => s.startsWith("CREATE MATERIALIZED VIEW"))!
      expect(view).toContain(`\`analytics\`.block_topic_history_mv ON CLUSTER \`${name}\` TO \`analytics\`.block_topic_history AS`)
      const alters = statements.filter((s) => s.startsWith("ALTER TABLE"))
      expect(alters).toHaveLength(2)
      for (const a of alters) {
        expect(a).toMatch(/MODIFY SETTING replicated_deduplication_window = 100000, replicated_deduplication_window_seconds = 604800$/)
      }
    }
  })

  it("one server: no ON CLUSTER, no Replicated engine", () => {
    for (const s of schemaStatements("rewind")) {
      expect(s).not.toContain("ON CLUSTER")
      expect(s).not.toContain("Replicated")
    }
  })

  it("a cluster name that is not an identifier is never put into SQL", () => {
    for (const bad of ["my cluster", "c`; DROP DATABASE x", "'c'", "1c", "-c", "c.d", ""]) {
      expect(() => schemaStatements("rewind", bad), bad).toThrow(/invalid ClickHouse cluster name/)
    }
  })
})

describe("checkCluster", () => {
  const run = (rows: ReadonlyArray<ReadonlyArray<unknown>>) => {
    const { client, sent } = recordingClient(() => rows)
    return { sent, result: Effect.runPromise(Effect.flip(migrate(client, "rewind", "rewind_replicas"))) }
  }

  it("refuses a cluster the server does not know, before any DDL", async () => {
    const { sent, result } = run([[0, 0]])
    const error = await result
    expect(error.message).toContain("REWIND_CLICKHOUSE_CLUSTER")
    expect(error.message).toContain("knows no cluster \"rewind_replicas\"")
    expect(commandsOf(sent)).toEqual([])
  })

  it("refuses a cluster of several shards, before any DDL", async () => {
    const { sent, result } = run([[6, 3]])
    const error = await result
    expect(error.message).toContain("REWIND_CLICKHOUSE_CLUSTER")
    expect(error.message).toContain("has 3 shards")
    expect(commandsOf(sent)).toEqual([])
  })
})
