import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { startClickHouseServer } from "../store/localServer.ts"
import { CliFailure, emit, fail } from "./output.ts"

const serve = Command.make("serve", {
  port: Flag.Int("port").pipe(Flag.withDescription("Port on 127.0.0.1 (default: a free one)"), Flag.optional),
  path: Flag.String("path").pipe(Flag.withDescription("Data directory (kept)"), Flag.withDefault(".rewind/clickhouse-server")),
  json: Flag.Boolean("json").pipe(Flag.withDescription("Print the start-up information as JSON"), Flag.withDefault(false))
}, (f) =>
  Effect.gen(function*() {
    if (Option.isSome(f.port) && !(f.port.value >= 1 && f.port.value <= 65_535)) return yield* fail(`--port must be between 1 and 65535, got ${f.port.value}`)
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startClickHouseServer({ path: f.path, ...(Option.isSome(f.port) ? { port: f.port.value } : {}) }),
        catch: (e) => new CliFailure(e instanceof Error ? e.message : String(e))
      }),
      (s) => Effect.promise(() => s.stop())
    )
    yield* emit(f.json, { url: server.url, port: server.port, path: server.path, pid: server.pid }, () =>
      [
        `rewind store serve: ClickHouse over HTTP on ${server.url} (chdb's engine, pid ${server.pid}), data in ${server.path}`,
        `  daemon settings: CLICKHOUSE_URL=${server.url} (user default, no password; the store keeps to CLICKHOUSE_DATABASE, default rewind)`,
        "  loopback only — Ctrl-C stops"
      ].join("\n"))
    // Until interrupted (Ctrl-C, SIGTERM: the release stops the server), or the server ends by itself.
    const ended = yield* Effect.promise(() => server.exited)
    yield* Console.error(ended.output)
    return yield* fail(`the ClickHouse server stopped by itself (exit code ${ended.code})`)
  }).pipe(Effect.scoped)).pipe(Command.withDescription(
  "Run a ClickHouse server on this machine (the engine of the chdb package over ClickHouse's HTTP interface) for CLICKHOUSE_URL; needs a C compiler the first time"
))

export const storeCommand = Command.make("store").pipe(
  Command.withDescription("The ClickHouse store"),
  Command.withSubcommands([serve])
)
