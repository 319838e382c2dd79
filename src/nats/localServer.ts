import { accessSync, constants } from "node:fs"
import { mkdir, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { freePort, startChildServer } from "../process/childServer.ts"

export { freePort } from "../process/childServer.ts"

export interface NatsServerHandle {
  readonly url: string
  readonly port: number
  readonly storeDir: string
  stop(): Promise<void>
  /** Sends a signal to the server process (tests: SIGKILL, SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void
  /** Resolves once the server process has exited. */
  exited(): Promise<void>
  /** Whether its process is running. */
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

/** Resolves once clients can connect and JetStream answers. */
const probeJetStream = async (url: string, auth: NonNullable<NatsServerOptions["probe"]>) => {
  const nc = await connect({ ...auth, servers: url, timeout: 1000, reconnect: false })
  try {
    const jsm = await jetstreamManager(nc)
    await jsm.getAccountInfo()
  } finally {
    await nc.close()
  }
}

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
 * Starts `nats-server -js` once with these options (on `options.port`, or a port free now: no
 * second try when another process takes it first) and resolves once it answers; `binary` from
 * `findNatsServer()`. `stop()` kills it and removes the store directory when it was a temporary one.
 */
export const launchNatsServer = async (binary: string, options: NatsServerOptions): Promise<NatsServerHandle> => {
  const ownDir = options.storeDir === undefined
  const storeDir = ownDir ? await mkdtemp(join(tmpdir(), "rewind-nats-")) : options.storeDir
  if (!ownDir) await mkdir(storeDir, { recursive: true })
  const removeOwnDir = () => (ownDir ? rm(storeDir, { recursive: true, force: true }) : Promise.resolve())
  try {
    const server = await startChildServer({
      name: "nats-server",
      command: binary,
      args: (port) => ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir, ...(options.args ?? [])],
      ready: (port) => probeJetStream(`nats://127.0.0.1:${port}`, options.probe ?? {}),
      readyTimeoutMs: 15_000,
      port: options.port ?? await freePort()
    })
    const running = () => server.child.exitCode === null && server.child.signalCode === null
    return {
      url: `nats://127.0.0.1:${server.port}`,
      port: server.port,
      storeDir,
      stop: async () => {
        await server.stop()
        await removeOwnDir()
      },
      signal: (sig) => void server.child.kill(sig),
      exited: () => server.exited.then(() => undefined),
      running
    }
  } catch (e) {
    await removeOwnDir()
    throw e
  }
}

/**
 * Starts a private `nats-server -js` on a free 127.0.0.1 port (or `options.port`) for tests and
 * `rewind demo`, and resolves once clients can connect and JetStream answers.
 */
export const startNatsServer = (options: NatsServerOptions = {}): Promise<NatsServerHandle> => {
  const binary = findNatsServer()
  return options.port === undefined ? thrice(() => launchNatsServer(binary, options)) : launchNatsServer(binary, options)
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
