/**
 * The CLI and the daemon as child processes (`src/cli/main.ts` on this Node), for tests that
 * stop, kill and restart them.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { delimiter, join } from "node:path"
import { freePort } from "../../src/process/childServer.ts"
import { testNatsUrl } from "./nats.ts"

export const root = join(import.meta.dirname, "../..")
const main = join(root, "src/cli/main.ts")

export interface DaemonProcess {
  readonly child: ChildProcess
  /** Its stdout so far, a line each (JSON logs). */
  readonly lines: Array<string>
  readonly exited: Promise<number | null>
  readonly stderr: () => string
}

/** What every daemon of a test shares: the test run's NATS, a prefix, a data dir, a free HTTP port on loopback. */
export const daemonEnv = async (prefix: string, dataDir: string): Promise<Record<string, string>> => ({
  NATS_URL: testNatsUrl(),
  REWIND_PREFIX: prefix,
  REWIND_DATA_DIR: dataDir,
  REWIND_HTTP_PORT: String(await freePort()),
  REWIND_HTTP_HOST: "127.0.0.1"
})

/** Starts and runs processes with a shared environment; `killAll` ends what is left. */
export const processes = () => {
  const children: Array<ChildProcess> = []
  const env: Record<string, string> = {}

  /** Runs the CLI to completion. */
  const rewind = (...args: Array<string>) => {
    const r = spawnSync(process.execPath, [main, ...args], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }

  /** Starts `rewind daemon`; collects its stdout lines. */
  const startDaemon = (extra: Record<string, string> = {}): DaemonProcess => {
    const child = spawn(process.execPath, [main, "daemon"], { cwd: root, env: { ...process.env, ...env, ...extra }, stdio: ["ignore", "pipe", "pipe"] })
    children.push(child)
    const lines: Array<string> = []
    let buf = ""
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString()
      const parts = buf.split("\n")
      buf = parts.pop() ?? ""
      lines.push(...parts.filter((l) => l.trim() !== ""))
    })
    let stderr = ""
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    return { child, lines, exited, stderr: () => stderr }
  }

  const http = async (path: string) => {
    const r = await fetch(`http://127.0.0.1:${env["REWIND_HTTP_PORT"]}${path}`)
    return { status: r.status, text: await r.text() }
  }

  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL")
  }

  return { env, rewind, startDaemon, http, killAll }
}

/** Polls `f` every 200 ms until it returns a value (thrown errors count as "not yet"). */
export const until = async <A>(f: () => Promise<A | undefined> | A | undefined, what: string, timeoutMs = 60_000): Promise<A> => {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    try {
      const v = await f()
      if (v !== undefined) return v
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`timed out: ${what}`)
}

/** Prometheus' `promtool` (Debian's `prometheus` package, which .ci/run installs when missing). */
export const promtool = (): string => {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter), "/usr/bin"]
  const found = dirs.map((d) => join(d, "promtool")).find((p) => existsSync(p))
  if (found === undefined) throw new Error("promtool not found on PATH or in /usr/bin: apt-get install prometheus")
  return found
}

/** Whether a process with this id exists. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
