/**
 * The ClickHouse client of the store, with the schema migrated.
 *
 * `CLICKHOUSE_URL` set → a ClickHouse server over HTTP (single node, cluster or Cloud); with
 * `REWIND_CLICKHOUSE_CLUSTER` the schema is created ON CLUSTER, replicated (migrations.ts).
 * Unset → the embedded engine: the same `@clickhouse/client` over `chdb/connection`, data in
 * `${REWIND_DATA_DIR}/clickhouse`. Same SQL either way. `chdb` is an optional dependency,
 * loaded lazily so a production install without it still runs against a server.
 *
 * The embedded engine allows one on-disk path per process: build this layer once.
 *
 * Reads (`client.query`) are timed by `readBusy`: the seconds during which at least one was
 * running or queued, until its result was ready. Failed calls are counted by `errors`.
 *
 * SQL safety: every value goes through `query_params`. The identifiers put into SQL text are the
 * database name, validated against `[A-Za-z_][A-Za-z0-9_]*`, and in DDL the cluster name
 * (`REWIND_CLICKHOUSE_CLUSTER`, `[A-Za-z_][A-Za-z0-9_-]*`, back-quoted), both checked by the
 * config and here.
 */
import { mkdirSync } from "node:fs"
import { resolve } from "node:path"
import { type ClickHouseClient, createClient } from "@clickhouse/client"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import {
  type ClickHouseSettings,
  ClickHouseSettingsConfig,
  ClusterNamePattern,
  DatabaseIdentifierPattern,
  embeddedPath
} from "./ClickHouseConfig.ts"
import { ClientLog } from "./clientLog.ts"
import { type BusyClock, makeBusyClock } from "./busyClock.ts"
import { type ErrorCounts, makeErrorCounts } from "./errorCounts.ts"
import { markEmbeddedEngineLoaded } from "./embeddedExit.ts"
import { migrate } from "./migrations.ts"
import { attempt, attemptSync } from "./sql.ts"
import { messageOf, StoreError } from "./StoreError.ts"

export { StoreError } from "./StoreError.ts"

const missingEngine = (cause: unknown) =>
  new StoreError({
    operation: "connect",
    message:
      "CLICKHOUSE_URL is not set and the embedded ClickHouse engine (optional dependency `chdb`) " +
      `could not be loaded: ${messageOf(cause)}. Install chdb (npm install chdb) or set CLICKHOUSE_URL.`,
    cause
  })

type ChdbAsClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>["connection"]>

const makeClient = (s: ClickHouseSettings): Effect.Effect<{ client: ClickHouseClient; embedded: boolean }, StoreError> =>
  Effect.gen(function*() {
    if (s.url !== undefined) {
      const url = s.url
      const client = yield* attemptSync("connect", () =>
        createClient({
          url,
          username: s.user,
          ...(s.password !== undefined ? { password: Redacted.value(s.password) } : {}),
          clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
          log: { LoggerClass: ClientLog }
        })
      )
      const ping = yield* attempt("connect", () => client.ping())
      if (!ping.success) {
        yield* attempt("connect", () => client.close()).pipe(Effect.ignore)
        // The origin only: a URL may carry credentials.
        const origin = yield* attemptSync("connect", () => new URL(url).origin).pipe(Effect.orElseSucceed(() => "CLICKHOUSE_URL"))
        return yield* new StoreError({
          operation: "connect",
          message: `cannot reach ClickHouse at ${origin}: ${messageOf(ping.error)}`,
          cause: ping.error
        })
      }
      return { client, embedded: false }
    }
    const chdb = yield* Effect.tryPromise({ try: () => import("chdb/connection"), catch: missingEngine })
    markEmbeddedEngineLoaded()
    const path = resolve(embeddedPath(s))
    const client = yield* attempt("connect", async () => {
      mkdirSync(path, { recursive: true })
      // chdb types its Connection against @clickhouse/client-common's own copy of the
      // interface; the shapes are the same, the declarations differ under exactOptionalPropertyTypes.
      const connection = chdb.createChdbConnection({ path }) as unknown as ChdbAsClientConnection
      return createClient({ connection, log: { LoggerClass: ClientLog } })
    })
    return { client, embedded: true }
  })

/** `client`, its reads (`query`) timed by `busy`, its failed calls counted by `errors` (not those its caller aborted). */
const instrumented = (client: ClickHouseClient, busy: BusyClock, errors: ErrorCounts): ClickHouseClient => {
  const query = client.query.bind(client)
  const insert = client.insert.bind(client)
  const command = client.command.bind(client)
  const exec = client.exec.bind(client)
  client.query = ((params: Parameters<typeof query>[0]) => errors.track("read", busy.track(query(params)), params.abort_signal)) as typeof client.query
  client.insert = ((params: Parameters<typeof insert>[0]) => errors.track("insert", insert(params), params.abort_signal)) as typeof client.insert
  client.command = ((params: Parameters<typeof command>[0]) => errors.track("command", command(params), params.abort_signal)) as typeof client.command
  client.exec = ((params: Parameters<typeof exec>[0]) => errors.track("command", exec(params), params.abort_signal)) as typeof client.exec
  return client
}

/** The engine's `MemoryTracking` metric, read with `query` (undefined when it fails or has none). */
const memoryTracking = (query: ClickHouseClient["query"]) => async (): Promise<number | undefined> => {
  try {
    const r = await query({ query: "SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'", format: "JSONEachRow" })
    const v = Number((await r.json<{ value: number | string }>())[0]?.value)
    return Number.isFinite(v) ? v : undefined
  } catch {
    return undefined
  }
}

export class ClickHouse extends Context.Service<ClickHouse, {
  readonly client: ClickHouseClient
  /** Validated identifier; tables are `${database}.<table>`. */
  readonly database: string
  /** True when running on the in-process engine (chdb). */
  readonly embedded: boolean
  /** Seconds with at least one read in flight (see busyClock.ts). */
  readonly readBusy: BusyClock
  /** Failed client calls, by operation (see errorCounts.ts). */
  readonly errors: ErrorCounts
  /**
   * The embedded engine's own count of its memory (ClickHouse's `MemoryTracking`, bytes; not one
   * of `readBusy`'s reads); undefined over HTTP (a server reports its own) or when it cannot say.
   */
  readonly engineMemoryBytes: () => Promise<number | undefined>
}>()("rewind/store/ClickHouse") {
  /** Connect (server or embedded), apply migrations; the client is closed when the layer is released. */
  static readonly layer = (s: ClickHouseSettings): Layer.Layer<ClickHouse, StoreError> =>
    Layer.effect(
      ClickHouse,
      Effect.gen(function*() {
        if (!DatabaseIdentifierPattern.test(s.database)) {
          return yield* new StoreError({
            operation: "connect",
            message: `CLICKHOUSE_DATABASE ${JSON.stringify(s.database)} is not a valid name (letters, digits, '_')`
          })
        }
        if (s.cluster !== undefined && !ClusterNamePattern.test(s.cluster)) {
          return yield* new StoreError({
            operation: "connect",
            message: `REWIND_CLICKHOUSE_CLUSTER ${JSON.stringify(s.cluster)} is not a valid cluster name (letters, digits, '_', '-')`
          })
        }
        if (s.cluster !== undefined && s.url === undefined) {
          return yield* new StoreError({
            operation: "connect",
            message: "REWIND_CLICKHOUSE_CLUSTER needs a ClickHouse server (CLICKHOUSE_URL): the embedded engine is not a cluster"
          })
        }
        const readBusy = makeBusyClock()
        const errors = makeErrorCounts()
        const { client, embedded } = yield* Effect.acquireRelease(
          makeClient(s),
          ({ client }) => attempt("close", () => client.close()).pipe(Effect.ignore)
        )
        yield* migrate(client, s.database, s.cluster)
        // Bound before `instrumented` wraps `query`: a scrape's look at the engine is not a daemon read.
        const engineMemoryBytes = embedded ? memoryTracking(client.query.bind(client)) : () => Promise.resolve(undefined)
        return ClickHouse.of({ client: instrumented(client, readBusy, errors), database: s.database, embedded, readBusy, errors, engineMemoryBytes })
      })
    )

  /** `layer` with settings read from the environment (ClickHouseSettingsConfig). */
  static readonly layerConfig: Layer.Layer<ClickHouse, StoreError | Config.ConfigError> = Layer.unwrap(
    Effect.map(ClickHouseSettingsConfig, ClickHouse.layer)
  )
}
