/** `rewind store serve`: a ClickHouse server for CLICKHOUSE_URL, stopped with the command. */
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { createClient } from "@clickhouse/client"
import { afterAll, describe, expect, it } from "vitest"
import { tempDataDir } from "../../helpers/daemon.ts"
import { isAlive, root, until } from "../../helpers/processes.ts"

const dir = tempDataDir("serve")
const children: Array<ReturnType<typeof spawn>> = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL")
})

describe("rewind store serve", () => {
  it("serves ClickHouse over HTTP with its data in --path until SIGTERM, then exits 0 and leaves no server", async () => {
    const path = join(dir, "server")
    const child = spawn(process.execPath, [join(root, "src/cli/main.ts"), "store", "serve", "--path", path, "--json"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"]
    })
    children.push(child)
    let out = ""
    let err = ""
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()))
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    const info = await until(() => {
      try {
        return JSON.parse(out) as { url: string; port: number; path: string; pid: number }
      } catch {
        return undefined
      }
    }, `the server's start-up line (stderr: ${err})`, 60_000)
    expect(info.path).toBe(path)
    expect(existsSync(path)).toBe(true)

    const client = createClient({ url: info.url })
    try {
      const rs = await client.query({ query: "SELECT {who:String} AS who", query_params: { who: "rewind" }, format: "JSONEachRow" })
      expect(await rs.json()).toEqual([{ who: "rewind" }])
    } finally {
      await client.close()
    }

    child.kill("SIGTERM")
    expect(await exited).toBe(0)
    expect(isAlive(info.pid)).toBe(false)
    expect(existsSync(path)).toBe(true)
  })
})
