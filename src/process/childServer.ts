/**
 * A server program run as a child process on 127.0.0.1 — nats-server (src/nats/localServer.ts)
 * and the ClickHouse server (src/store/localServer.ts) for tests, `rewind demo` and
 * `rewind store serve`: on a free port unless one is given, ready once its probe answers, stopped
 * with SIGTERM (SIGKILL after a grace period), and killed when this process exits without
 * stopping it.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"

/** A TCP port free on 127.0.0.1 right now (another process may take it before it is used). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on("error", reject)
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      srv.close(() => resolve(port))
    })
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface ChildServerOptions {
  /** The program's name in messages, e.g. "nats-server". */
  readonly name: string
  readonly command: string
  readonly args: (port: number) => ReadonlyArray<string>
  /** Resolves once the server on `port` serves; throws (or rejects) while it does not yet. */
  readonly ready: (port: number) => Promise<void>
  readonly readyTimeoutMs: number
  /** Listen on this port: one attempt. Default: a free port, three attempts (it may be taken meanwhile). */
  readonly port?: number
  /** Standard input: "pipe" leaves it open while this process lives (a server may stop when it closes). */
  readonly stdin?: "ignore" | "pipe"
  /** How long SIGTERM may take before SIGKILL (default 5 s). */
  readonly stopGraceMs?: number
}

export interface ChildServer {
  readonly port: number
  readonly child: ChildProcess
  /** The last 8,000 characters the server printed (stdout and stderr). */
  readonly output: () => string
  /** Resolves when the process ends, stopped or not, with its exit code (null: killed by a signal). */
  readonly exited: Promise<number | null>
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone, with its exit code (null: killed). */
  stop(): Promise<number | null>
}

const stopProcess = (child: ChildProcess, graceMs: number): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode)
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs)
    child.once("exit", (code) => {
      clearTimeout(kill)
      resolve(code)
    })
    child.kill("SIGTERM")
  })

const waitReady = async (o: ChildServerOptions, server: ChildServer) => {
  const deadline = Date.now() + o.readyTimeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    const { exitCode, signalCode } = server.child
    if (exitCode !== null || signalCode !== null) {
      throw new Error(`${o.name} exited with ${exitCode ?? signalCode}:\n${server.output()}`)
    }
    try {
      await o.ready(server.port)
      return
    } catch (e) {
      lastError = e
      await sleep(50)
    }
  }
  throw new Error(`${o.name} on port ${server.port} was not ready after ${o.readyTimeoutMs} ms (${String(lastError)}):\n${server.output()}`)
}

const startOnce = async (o: ChildServerOptions, port: number): Promise<ChildServer> => {
  const child = spawn(o.command, [...o.args(port)], { stdio: [o.stdin ?? "ignore", "pipe", "pipe"] })
  let log = ""
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000)
  }
  child.stdout?.on("data", collect)
  child.stderr?.on("data", collect)
  child.on("error", (e) => {
    log += `\n${e.message}`
  })
  // "close": after the exit and its output read to the end.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)))
  // Never leave the server behind when this process ends without calling stop().
  const orphanGuard = () => child.kill("SIGKILL")
  process.once("exit", orphanGuard)
  const server: ChildServer = {
    port,
    child,
    output: () => log,
    exited,
    stop: async () => {
      process.removeListener("exit", orphanGuard)
      return stopProcess(child, o.stopGraceMs ?? 5000)
    }
  }
  try {
    await waitReady(o, server)
  } catch (e) {
    await server.stop()
    throw e
  }
  return server
}

/** Starts the server and resolves once `ready` succeeds; fails with the server's output otherwise. */
export const startChildServer = async (o: ChildServerOptions): Promise<ChildServer> => {
  if (o.port !== undefined) return startOnce(o, o.port)
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(o, await freePort())
    } catch (e) {
      lastError = e
    }
  }
  throw lastError
}
