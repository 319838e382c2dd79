/**
 * The local ClickHouse server (src/store/localServer.ts): ClickHouse's HTTP interface with
 * query parameters and concurrent queries, data kept across restarts on the same path, a clean
 * stop on SIGTERM, a clear failure on a taken port, and no server left behind by a parent that
 * was killed.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { request } from "node:http"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type ClickHouseClient, createClient } from "@clickhouse/client"
import { afterAll, describe, expect, it } from "vitest"
import { type ClickHouseServerHandle, startClickHouseServer } from "../../../src/store/localServer.ts"
import { isAlive } from "../../helpers/processes.ts"

const dir = mkdtempSync(join(tmpdir(), "rewind-store-server-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const rows = async <A>(client: ClickHouseClient, query: string, query_params: Record<string, unknown> = {}) =>
  (await (await client.query({ query, query_params, format: "JSONEachRow" })).json()) as Array<A>

/** Whether the server answers /ping, on a connection closed after the answer (an idle one would slow its stop). */
const answers = (url: string) =>
  new Promise<boolean>((resolve) => {
    const req = request(`${url}/ping`, { agent: false, timeout: 2000, headers: { connection: "close" } }, (res) => {
      res.resume()
      res.on("end", () => resolve(res.statusCode === 200))
    })
    req.on("timeout", () => req.destroy())
    req.on("error", () => resolve(false))
    req.end()
  })

const until = async (f: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await f()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out: ${what}`)
}

describe("the local ClickHouse server", () => {
  it("serves parameterized queries concurrently, keeps its data across a restart, and stops cleanly on SIGTERM", async () => {
    const path = join(dir, "data")
    let server: ClickHouseServerHandle = await startClickHouseServer({ path })
    let client = createClient({ url: server.url })
    try {
      const [v] = await rows<{ v: string; twice: number }>(client, "SELECT version() AS v, {x:UInt32} * 2 AS twice", { x: 21 })
      expect(v!.twice).toBe(42)
      expect(v!.v).toMatch(/^\d+\.\d+/)

      // One query sleeps; another, sent meanwhile, sees it running: requests are served side by side.
      const marker = `sleeper-${Date.now()}`
      const slow = client.command({ query: "SELECT sleep(2) FORMAT Null", query_id: marker })
      await until(async () => {
        const [seen] = await rows<{ n: number }>(client, "SELECT count() AS n FROM system.processes WHERE query_id = {id:String}", { id: marker })
        return seen!.n === 1
      }, "the sleeping query in system.processes")
      await slow

      await client.command({ query: "CREATE DATABASE IF NOT EXISTS kept" })
      await client.command({ query: "CREATE TABLE kept.t (k UInt32, s String) ENGINE = MergeTree ORDER BY k" })
      await client.insert({ table: "kept.t", values: [{ k: 1, s: "one" }, { k: 2, s: "two" }], format: "JSONEachRow" })
      const [engine] = await rows<{ engine: string }>(client, "SELECT engine FROM system.databases WHERE name = 'kept'")
      expect(engine!.engine).toBe("Atomic")
    } finally {
      await client.close()
    }
    expect(await server.stop()).toBe(0)
    expect(await answers(server.url)).toBe(false)

    server = await startClickHouseServer({ path })
    client = createClient({ url: server.url })
    try {
      expect(await rows(client, "SELECT k, s FROM kept.t ORDER BY k")).toEqual([{ k: 1, s: "one" }, { k: 2, s: "two" }])
    } finally {
      await client.close()
      await server.stop()
    }
  })

  it("stops with exit code 0 on SIGTERM, at once when no connection is left open", async () => {
    const server = await startClickHouseServer()
    const started = Date.now()
    expect(await server.stop()).toBe(0)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(isAlive(server.pid)).toBe(false)
  })

  it("fails to start on a port already taken, with the engine's reason", async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r))
    const address = blocker.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    try {
      await expect(startClickHouseServer({ port })).rejects.toThrow(/Address already in use/)
    } finally {
      blocker.close()
    }
  })

  it("stops by itself when the process that started it is killed", async () => {
    const script = [
      `import { startClickHouseServer } from ${JSON.stringify(join(import.meta.dirname, "../../../src/store/localServer.ts"))}`,
      "const s = await startClickHouseServer()",
      "console.log(JSON.stringify({ url: s.url, pid: s.pid }))",
      "setInterval(() => {}, 1000)"
    ].join("\n")
    const parent = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] })
    const line = await new Promise<string>((resolve, reject) => {
      let out = ""
      parent.stdout!.on("data", (d: Buffer) => {
        out += d.toString()
        if (out.includes("\n")) resolve(out.split("\n")[0]!)
      })
      parent.on("exit", (code) => reject(new Error(`the parent exited with ${code} before starting the server`)))
    })
    const { url, pid } = JSON.parse(line) as { url: string; pid: number }
    expect(await answers(url)).toBe(true)
    expect(isAlive(pid)).toBe(true)
    parent.kill("SIGKILL")
    await until(() => !isAlive(pid), "the orphaned server to exit")
    expect(await answers(url)).toBe(false)
  })
})
