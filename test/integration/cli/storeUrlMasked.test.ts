/**
 * A `CLICKHOUSE_URL` with credentials (`http://user:password@host:8123`, or a secret query
 * parameter such as `access_token`) is shown masked where the CLI shows the store: the daemon's
 * start-up log line and `rewind demo`; the secret appears nowhere in their output, failure included
 * (nothing listens at the URL). The CLI as processes, the test run's nats-server.
 */
import { execFile } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { tempDataDir } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { daemonEnv, root } from "../../helpers/processes.ts"

const rewind = (env: Record<string, string>, ...args: Array<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const { REWIND_CONFIG: _, CLICKHOUSE_URL: __, ...inherited } = process.env
    execFile(process.execPath, [join(root, "src/cli/main.ts"), ...args], { cwd: root, env: { ...inherited, ...env }, timeout: 90_000 }, (e, stdout, stderr) =>
      resolve({ code: e === null ? 0 : typeof e.code === "number" ? e.code : 1, stdout, stderr }))
  })

// Port 1: nothing listens there, so each run ends at its first call to the store.
const secretUrl = "http://alice:s3cret-pw@127.0.0.1:1"

describe("CLICKHOUSE_URL with credentials is shown masked", () => {
  it("in the daemon's start-up log line", async () => {
    const env = { ...(await daemonEnv(uniquePrefix(), tempDataDir("mask-daemon"))), CLICKHOUSE_URL: secretUrl }
    const r = await rewind(env, "daemon")
    expect(r.code).not.toBe(0)
    const start = r.stdout.split("\n").find((l) => l.includes("rewind daemon starting"))
    expect(start).toBeDefined()
    expect(start).toContain('"clickhouseUrl":"http://***@127.0.0.1:1"')
    expect(r.stdout + r.stderr).not.toContain("s3cret")
    expect(r.stdout + r.stderr).not.toContain("alice")

    const token = await rewind({ ...env, CLICKHOUSE_URL: "http://127.0.0.1:1/?access_token=tok-s3cret" }, "daemon")
    expect(token.code).not.toBe(0)
    expect(token.stdout).toContain('"clickhouseUrl":"http://127.0.0.1:1/?access_token=***"')
    expect(token.stdout + token.stderr).not.toContain("s3cret")
  })

  it("by rewind demo", async () => {
    const dir = tempDataDir("mask-demo")
    const env = { ...(await daemonEnv(uniquePrefix(), dir)), CLICKHOUSE_URL: secretUrl }
    const r = await rewind(env, "demo", "--count", "20", "--dir", join(dir, "demo"), "--store", "server")
    expect(r.code).not.toBe(0)
    expect(r.stdout).toContain("using ClickHouse at http://***@127.0.0.1:1 (CLICKHOUSE_URL)")
    expect(r.stdout + r.stderr).not.toContain("s3cret")
    expect(r.stdout + r.stderr).not.toContain("alice")
  })
})
