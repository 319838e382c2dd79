/**
 * The store counts its failed ClickHouse calls by operation (rewind_clickhouse_errors_total), and
 * what the client logs comes as JSON lines, without the calls the store itself aborted.
 */

/** What `f` prints on the console (captured, not shown), with its outcome. */
const printedBy = <A>(f: () => Promise<A>) =>
  Effect.promise(async () => {
    const printed: Array<string> = []
    const spies = (["log", "error", "warn"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...a: Array<unknown>) => void printed.push(a.map(String).join(" ")))
    )
    try {
      const outcome = await f()
      await new Promise((r) => setTimeout(r, 50))
      return { outcome, printed }
    } finally {
      for (const s of spies) s.mockRestore()
    }
  })
import { assert, describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import { vi } from "vitest"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import { isAbortedRequest } from "../../../src/store/clientLog.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { testStoreLayer } from "./storeTestLayer.ts"

describe.each(backends)("store on %s", (backend) => {
  layer(testStoreLayer("errors", backend), { timeout: 60_000 })("failed calls", (it) => {
    it.effect("are counted by operation; successful ones are not", () =>
      Effect.gen(function*() {
        const ch = yield* ClickHouse
        const before = ch.errors.counts()
        const call = (f: () => Promise<unknown>) => Effect.promise(() => f().then(() => "ok", () => "failed"))
        assert.strictEqual(yield* call(() => ch.client.query({ query: "SELECT 1", format: "JSONEachRow" }).then((r) => r.json())), "ok")
        assert.strictEqual(yield* call(() => ch.client.query({ query: `SELECT * FROM ${ch.database}.no_such_table`, format: "JSONEachRow" })), "failed")
        assert.strictEqual(yield* call(() => ch.client.insert({ table: `${ch.database}.no_such_table`, values: [{ a: 1 }], format: "JSONEachRow" })), "failed")
        assert.strictEqual(yield* call(() => ch.client.command({ query: `DROP TABLE ${ch.database}.no_such_table` })), "failed")
        assert.strictEqual(yield* call(() => ch.client.exec({ query: "SELEC 1" })), "failed")
        const after = ch.errors.counts()
        assert.deepStrictEqual(
          { read: after.read - before.read, insert: after.insert - before.insert, command: after.command - before.command },
          { read: 1, insert: 1, command: 2 }
        )
      }))

    it.effect("a failed call the client logs comes as one JSON line, with its query id", () =>
      Effect.gen(function*() {
        const ch = yield* ClickHouse
        const { outcome, printed } = yield* printedBy(() =>
          ch.client.query({ query: `SELECT {id:String} FROM ${ch.database}.no_such_table`, query_params: { id: "c-1" }, format: "JSONEachRow" })
            .then(() => "ok", () => "failed")
        )
        assert.strictEqual(outcome, "failed")
        const lines = printed.map((l) => JSON.parse(l) as { level: string; message: string; annotations: Record<string, unknown> })
        for (const l of lines) assert.deepStrictEqual([l.level, l.message.startsWith("ClickHouse client: ")], ["ERROR", true])
        if (backend === "server") {
          assert.strictEqual(lines.length, 1)
          assert.strictEqual(typeof lines[0]!.annotations["query_id"], "string")
        }
      }))

    it.effect("a call its caller aborts (a job cancelled, a daemon stopping) is neither counted nor logged", () =>
      Effect.gen(function*() {
        const ch = yield* ClickHouse
        const before = ch.errors.counts()
        const { outcome, printed } = yield* printedBy(() => {
          const controller = new AbortController()
          setTimeout(() => controller.abort(), 100)
          return ch.client.query({ query: "SELECT sleep(2)", format: "JSONEachRow", abort_signal: controller.signal })
            .then((r) => r.json())
            .then(() => "ok", (e: unknown) => (isAbortedRequest(e) ? "aborted" : `failed: ${String(e)}`))
        })
        // Over HTTP the request is cut; the embedded engine may finish the query first.
        if (backend === "server") assert.strictEqual(outcome, "aborted")
        else assert.oneOf(outcome, ["aborted", "ok"])
        assert.deepStrictEqual(ch.errors.counts(), before)
        assert.deepStrictEqual(printed, [])
      }))
  })
})
