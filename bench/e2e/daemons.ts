/**
 * `rewind daemon` as a user starts it (`npm run daemon` runs `node src/cli/main.ts daemon`), in a
 * process of its own, configured only through its environment: no Node flags unless the
 * benchmark is told to add some, so the daemon sets its own heap limits (src/daemon/heapFlags.ts).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { freePort } from "../../src/process/childServer.ts"
import { commandLineOf } from "./procfs.ts"

const root = fileURLToPath(new URL("../../", import.meta.url))
const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url))

/**
 * This process's environment without anything that configures a daemon or Node's heap (the
 * benchmark's daemons get only what it sets).
 */
const neutralEnv = (): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(REWIND_|CLICKHOUSE_|NATS_|PLATFORM_)/.test(k) || k === "NODE_OPTIONS") continue
    env[k] = v
  }
  return env
}

export interface DaemonProcess {
  readonly name: string
  readonly pid: number
  readonly port: number
  readonly child: ChildProcess
  /** The Node flags it runs with once ready (after it started itself again with its heap limits). */
  readonly nodeFlags: ReadonlyArray<string>
  /** Its `/metrics` (Prometheus text). */
  metrics(): Promise<string>
  /** What it printed last (stdout and stderr). */
  output(): string
  /** SIGTERM (it checkpoints and drains), SIGKILL after 60 s; resolves with its exit code. */
  stop(): Promise<number | null>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Starts `rewind daemon` with `env` and resolves once its `/readyz` answers 200 (NATS and ClickHouse reachable). */
export const startDaemonProcess = async (
  name: string,
  env: Record<string, string>,
  nodeFlags: ReadonlyArray<string> = []
): Promise<DaemonProcess> => {
  const port = await freePort()
  const child = spawn(process.execPath, [...nodeFlags, main, "daemon"], {
    cwd: root,
    env: { ...neutralEnv(), ...env, REWIND_INSTANCE: name, REWIND_HTTP_PORT: String(port), REWIND_HTTP_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let out = ""
  const keep = (d: Buffer) => void (out = (out + d.toString()).slice(-20_000))
  child.stdout.on("data", keep)
  child.stderr.on("data", keep)
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 180_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`daemon ${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${out}`)
    if (Date.now() > deadline) {
      child.kill("SIGKILL")
      throw new Error(`daemon ${name} not ready after 180 s:\n${out}`)
    }
    const ready = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false)
    if (ready) break
    await sleep(200)
  }
  const pid = child.pid!
  return {
    name,
    pid,
    port,
    child,
    nodeFlags: commandLineOf(pid).slice(1).filter((a) => a.startsWith("--")),
    metrics: () => fetch(`${url}/metrics`).then((r) => r.text()),
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM")
        const kill = setTimeout(() => child.kill("SIGKILL"), 60_000)
        const code = await exited
        clearTimeout(kill)
        return code
      }
      return child.exitCode
    }
  }
}

/** Sum of a Prometheus text metric's samples whose name is `metric`, by the value of label `by` ("" when none). */
export const promSums = (texts: ReadonlyArray<string>, metric: string, by?: string): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const text of texts) {
    for (const line of text.split("\n")) {
      if (line.startsWith("#")) continue
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line)
      if (m === null || m[1] !== metric) continue
      const label = by === undefined ? "" : (new RegExp(`${by}="([^"]*)"`).exec(m[2] ?? "")?.[1] ?? "")
      out[label] = (out[label] ?? 0) + Number(m[3])
    }
  }
  return out
}
