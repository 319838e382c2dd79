/**
 * The statements the migrations send, recorded by a client that runs nothing. The released DDL
 * (no cluster) is pinned by a snapshot: a released migration must never change, and a change to
 * how the DDL is generated must leave it byte for byte as it was.
 */
import type { ClickHouseClient } from "@clickhouse/client"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { migrate } from "../../../src/store/migrations.ts"

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
