/**
 * ClickHouse connection settings, read once at start (12-factor environment variables).
 *
 * - `CLICKHOUSE_URL`      — a ClickHouse server over HTTP(S). Unset or empty → the embedded engine (chdb).
 * - `CLICKHOUSE_USER`     — default `default`.
 * - `CLICKHOUSE_PASSWORD` — secret, kept `Redacted` (never logged).
 * - `CLICKHOUSE_DATABASE` — default `rewind`; must match `[A-Za-z_][A-Za-z0-9_]*` because it is
 *   the one identifier the store interpolates into SQL (see ClickHouse.ts).
 * - `REWIND_DATA_DIR`     — default `.rewind/data`; the embedded engine keeps its files in
 *   `${dataDir}/clickhouse`.
 * - `REWIND_CLICKHOUSE_CLUSTER` — unset or empty: one server. Otherwise the name of a cluster of the
 *   server's `remote_servers` (one shard, its replicas): the migrations create everything
 *   `ON CLUSTER` with Replicated engines (migrations.ts, ddl.ts). Needs `CLICKHOUSE_URL`. An
 *   identifier, like the database name, because DDL cannot take it as a query parameter.
 */
import * as Config from "effect/Config"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/** A safe SQL identifier: the database name is interpolated into SQL, values never are. */
export const DatabaseIdentifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/

export const DatabaseName = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(DatabaseIdentifierPattern, {
      message: "expected a ClickHouse database name: letters, digits or '_', not starting with a digit"
    })
  )
)

/**
 * A cluster name as the server's configuration can spell it (an XML element of `remote_servers`):
 * letters, digits, '_' and '-', starting with a letter or '_'. Put into DDL back-quoted.
 */
export const ClusterNamePattern = /^[A-Za-z_][A-Za-z0-9_-]*$/

/** Empty means "not set" (one server); otherwise a cluster name. */
export const ClusterName = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) =>
      s === "" || ClusterNamePattern.test(s)
        ? true
        : `expected the name of a cluster of the server's remote_servers: letters, digits, '_' or '-', starting with a letter or '_' (got ${JSON.stringify(s)})`
    )
  )
)

const isHttpUrl = (s: string): boolean => {
  try {
    const u = new URL(s)
    return u.protocol === "http:" || u.protocol === "https:"
  } catch {
    return false
  }
}

/** Empty means "not set" (embedded engine); otherwise an http(s) URL. */
const ServerUrl = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) =>
      s === "" || isHttpUrl(s) ? true : "expected an http(s) URL of a ClickHouse server, e.g. http://localhost:8123"
    )
  )
)

export interface ClickHouseSettings {
  readonly url?: string
  readonly user: string
  readonly password?: Redacted.Redacted<string>
  readonly database: string
  readonly dataDir: string
  /** A cluster of the server (`REWIND_CLICKHOUSE_CLUSTER`): DDL `ON CLUSTER`, Replicated engines. */
  readonly cluster?: string
}

/** The cluster, once both it and CLICKHOUSE_URL are known: without a server it is refused, naming the key. */
const clusterOf = (url: Option.Option<string>, cluster: Option.Option<string>): Config.Config<Option.Option<string>> => {
  if (Option.isNone(cluster) || cluster.value === "") return Config.succeed(Option.none())
  if (Option.isSome(url) && url.value !== "") return Config.succeed(cluster)
  return Config.schema(
    Schema.String.pipe(
      Schema.check(Schema.makeFilter(() => "a cluster needs a ClickHouse server: set CLICKHOUSE_URL (the embedded engine is one process, not a cluster)"))
    ),
    "REWIND_CLICKHOUSE_CLUSTER"
  ).pipe(Config.map(() => Option.none()))
}

export const ClickHouseSettingsConfig: Config.Config<ClickHouseSettings> = Config.all({
  url: Config.option(Config.schema(ServerUrl, "CLICKHOUSE_URL")),
  user: Config.String("CLICKHOUSE_USER").pipe(Config.withDefault("default")),
  password: Config.option(Config.Redacted("CLICKHOUSE_PASSWORD")),
  database: Config.schema(DatabaseName, "CLICKHOUSE_DATABASE").pipe(Config.withDefault("rewind")),
  dataDir: Config.NonEmptyString("REWIND_DATA_DIR").pipe(Config.withDefault(".rewind/data")),
  cluster: Config.option(Config.schema(ClusterName, "REWIND_CLICKHOUSE_CLUSTER"))
}).pipe(
  Config.flatMap((s) => clusterOf(s.url, s.cluster).pipe(Config.map((cluster) => ({ ...s, cluster })))),
  Config.map(({ url, user, password, database, dataDir, cluster }): ClickHouseSettings => ({
    user,
    database,
    dataDir,
    ...(Option.isSome(url) && url.value !== "" ? { url: url.value } : {}),
    ...(Option.isSome(password) ? { password: password.value } : {}),
    ...(Option.isSome(cluster) ? { cluster: cluster.value } : {})
  }))
)

/** Where the embedded engine keeps its files. */
export const embeddedPath = (s: Pick<ClickHouseSettings, "dataDir">): string => `${s.dataDir}/clickhouse`
