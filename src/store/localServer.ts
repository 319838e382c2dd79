/**
 * A ClickHouse server on this machine — for the tests, `rewind store serve` and
 * `rewind demo --store server` — that the store reaches as it reaches any server: over HTTP,
 * through `CLICKHOUSE_URL`. It is the engine of the optional dependency `chdb` (ClickHouse 26's
 * clickhouse-local) serving ClickHouse's own HTTP interface (`/ping`, queries with `param_*`
 * values, concurrent requests) from its own data directory, in a child process of its own
 * (src/store/chdbServer.c): the embedded engine allows one data path per process, and a process
 * may use both. Loopback only, user `default` without a password.
 *
 * Its `default` database maps table names to files (clickhouse-local): the store keeps to its
 * own database (`CLICKHOUSE_DATABASE`, created Atomic by the migrations).
 */
import { request } from "node:http"
import { mkdir, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { startChildServer } from "../process/childServer.ts"
import { chdbServerBinary, libchdbPath } from "./chdbServerBinary.ts"

export interface ClickHouseServerHandle {
  /** `http://127.0.0.1:<port>`, a value for CLICKHOUSE_URL. */
  readonly url: string
  readonly port: number
  /** The data directory. */
  readonly path: string
  /** The server's process. */
  readonly pid: number
  /** Resolves when the server's process ends, stopped or not: its exit code, and what it printed last. */
  readonly exited: Promise<{ readonly code: number | null; readonly output: string }>
  /**
   * Stops the server — SIGTERM: running queries finish, the engine shuts down — and removes a
   * temporary data directory. Resolves with the exit code: 0 after a clean stop.
   */
  stop(): Promise<number | null>
}

export interface ClickHouseServerOptions {
  /** Data directory, kept on stop; default a temporary one, removed on stop. */
  readonly path?: string
  /** Port on 127.0.0.1; default a free one. */
  readonly port?: number
  /**
   * A ClickHouse configuration file (XML or YAML) for what the command line cannot set:
   * `remote_servers`, `macros`, `zookeeper` (test/integration/store/cluster.test.ts).
   */
  readonly configFile?: string
}

/**
 * Resolves when `/ping` answers `Ok.`. On a connection of its own, closed after the answer: the
 * server's stop waits (up to 5 s) for idle keep-alive connections.
 */
const ping = (port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/ping", agent: false, timeout: 1000, headers: { connection: "close" } }, (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => (body += chunk))
      res.on("end", () =>
        res.statusCode === 200 && body === "Ok.\n" ? resolve() : reject(new Error(`/ping answered ${res.statusCode}: ${body.slice(0, 200)}`))
      )
    })
    req.on("timeout", () => req.destroy(new Error("/ping timed out")))
    req.on("error", reject)
    req.end()
  })

/** Starts the server and resolves once it answers; fails with its output when it cannot start. */
export const startClickHouseServer = async (options: ClickHouseServerOptions = {}): Promise<ClickHouseServerHandle> => {
  const [lib, binary] = await Promise.all([libchdbPath(), chdbServerBinary()])
  const ownDir = options.path === undefined
  const path = ownDir ? await mkdtemp(join(tmpdir(), "rewind-clickhouse-")) : resolve(options.path)
  await mkdir(path, { recursive: true })
  const removeOwnDir = () => (ownDir ? rm(path, { recursive: true, force: true }) : Promise.resolve())
  try {
    const server = await startChildServer({
      name: "the ClickHouse server (chdb-server)",
      command: binary,
      args: (port) => [
        lib,
        ...(options.configFile !== undefined ? [`--config-file=${resolve(options.configFile)}`] : []),
        `--path=${path}`,
        `--http_port=${port}`,
        "--listen_host=127.0.0.1"
      ],
      ready: ping,
      readyTimeoutMs: 30_000,
      // Its end of this pipe closes when this process is gone, however it ends: the server stops then.
      stdin: "pipe",
      stopGraceMs: 15_000,
      ...(options.port !== undefined ? { port: options.port } : {})
    })
    return {
      url: `http://127.0.0.1:${server.port}`,
      port: server.port,
      path,
      pid: server.child.pid ?? 0,
      exited: server.exited.then((code) => ({ code, output: server.output() })),
      stop: async () => {
        const code = await server.stop()
        await removeOwnDir()
        return code
      }
    }
  } catch (e) {
    await removeOwnDir()
    throw e
  }
}
