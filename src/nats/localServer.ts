import { type ChildProcess, spawn } from "node:child_process"
import { accessSync, constants } from "node:fs"
import { mkdir, mkdtemp, rm } from "node:fs/promises"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"

export interface NatsServerHandle {
  readonly url: string
  readonly port: number
  readonly storeDir: string
  stop(): Promise<void>
  /** Sends a signal to the server process (tests: SIGKILL, SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void
  /** Resolves once the server process has exited. */
  exited(): Promise<void>
  /** Whether the server process is running (not exited, not killed). */
  running(): boolean
}

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** `nats-server` from PATH, then the usual system locations. */
export const findNatsServer = (): string => {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/bin", "/usr/bin", "/opt/homebrew/bin"]
  for (const dir of dirs) {
    if (dir === "") continue
    const candidate = join(dir, "nats-server")
    if (isExecutable(candidate)) return candidate
  }
  throw new Error(
    "nats-server was not found on PATH or in /usr/sbin: install it (apt-get install nats-server, " +
      "brew install nats-server, or a release from https://github.com/nats-io/nats-server/releases)"
  )
}

/** A port nothing listens on right now, on 127.0.0.1. */
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

/** Waits until the server accepts clients and JetStream answers. */
const waitReady = async (url: string, auth: NonNullable<NatsServerOptions["probe"]>, child: ChildProcess, output: () => string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`nats-server exited with code ${child.exitCode}:\n${output()}`)
    }
    try {
      const nc = await connect({ ...auth, servers: url, timeout: 1000, reconnect: false })
      try {
        const jsm = await jetstreamManager(nc)
        await jsm.getAccountInfo()
        return
      } finally {
        await nc.close()
      }
    } catch (e) {
      lastError = e
      await sleep(50)
    }
  }
  throw new Error(`nats-server at ${url} was not ready after ${timeoutMs} ms (${String(lastError)}):\n${output()}`)
}

const stopProcess = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000)
    child.once("exit", () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill("SIGTERM")
  })

export interface NatsServerOptions {
  /** JetStream store directory, kept on stop; default a temporary one, removed on stop. */
  readonly storeDir?: string
  /** Port to listen on (to restart a server where its clients reconnect); default a free one. */
  readonly port?: number
  /** Extra nats-server arguments, e.g. ["--auth", "s3cret"]. */
  readonly args?: ReadonlyArray<string>
  /** Options for the readiness probe's connection (needed when the server requires auth). */
  readonly probe?: { readonly token?: string; readonly user?: string; readonly pass?: string }
}

/**
 * Starts `nats-server -js` once with these options (no second try on a taken port) and
 * resolves once it answers; `binary` from `findNatsServer()`.
 */
export const launchNatsServer = async (binary: string, options: NatsServerOptions): Promise<NatsServerHandle> => {
  const port = options.port ?? await freePort()
  const ownDir = options.storeDir === undefined
  const storeDir = ownDir ? await mkdtemp(join(tmpdir(), "rewind-nats-")) : options.storeDir
  if (!ownDir) await mkdir(storeDir, { recursive: true })
  const args = ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir, ...(options.args ?? [])]
  const child = spawn(binary, args, {
    stdio: ["ignore", "pipe", "pipe"]
  })
  let log = ""
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000)
  }
  child.stdout?.on("data", collect)
  child.stderr?.on("data", collect)
  child.on("error", (e) => {
    log += `\n${e.message}`
  })
  const url = `nats://127.0.0.1:${port}`
  // never leave the server behind when this process ends without calling stop()
  const orphanGuard = () => child.kill("SIGKILL")
  process.once("exit", orphanGuard)
  child.once("exit", () => process.removeListener("exit", orphanGuard))
  const stop = async () => {
    process.removeListener("exit", orphanGuard)
    await stopProcess(child)
    if (ownDir) await rm(storeDir, { recursive: true, force: true })
  }
  const running = () => child.exitCode === null && child.signalCode === null
  const exited = () =>
    new Promise<void>((resolve) => {
      if (!running()) resolve()
      else child.once("exit", () => resolve())
    })
  const signal = (sig: NodeJS.Signals) => {
    child.kill(sig)
  }
  try {
    await waitReady(url, options.probe ?? {}, child, () => log, 15_000)
  } catch (e) {
    await stop()
    throw e
  }
  return { url, port, storeDir, stop, signal, exited, running }
}

/**
 * Starts a private `nats-server -js` on a free 127.0.0.1 port (for tests and `rewind demo`),
 * and resolves once clients can connect and JetStream answers. `stop()` kills it and removes
 * the store directory when it was a temporary one.
 */
export const startNatsServer = (options: NatsServerOptions = {}): Promise<NatsServerHandle> => {
  const binary = findNatsServer()
  return thrice(() => launchNatsServer(binary, options))
}

/** Runs `start` up to three times: a free port may be taken between probing and binding. */
export const thrice = async <A>(start: () => Promise<A>): Promise<A> => {
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await start()
    } catch (e) {
      lastError = e
    }
  }
  throw lastError
}
