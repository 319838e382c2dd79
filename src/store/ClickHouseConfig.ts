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
 */
import { Config, Option, type Redacted, Schema } from "effect"

/** A safe SQL identifier: the database name is interpolated into SQL, values never are. */
export const DatabaseIdentifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/

export const DatabaseName = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(DatabaseIdentifierPattern, {
      message: "expected a ClickHouse database name: letters, digits or '_', not starting with a digit"
    })
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
}

export const ClickHouseSettingsConfig: Config.Config<ClickHouseSettings> = Config.all({
  url: Config.option(Config.schema(ServerUrl, "CLICKHOUSE_URL")),
  user: Config.String("CLICKHOUSE_USER").pipe(Config.withDefault("default")),
  password: Config.option(Config.Redacted("CLICKHOUSE_PASSWORD")),
  database: Config.schema(DatabaseName, "CLICKHOUSE_DATABASE").pipe(Config.withDefault("rewind")),
  dataDir: Config.NonEmptyString("REWIND_DATA_DIR").pipe(Config.withDefault(".rewind/data"))
}).pipe(
  Config.map(({ url, user, password, database, dataDir }): ClickHouseSettings => ({
    user,
    database,
    dataDir,
    ...(Option.isSome(url) && url.value !== "" ? { url: url.value } : {}),
    ...(Option.isSome(password) ? { password: password.value } : {})
  }))
)

/** Where the embedded engine keeps its files. */
export const embeddedPath = (s: Pick<ClickHouseSettings, "dataDir">): string => `${s.dataDir}/clickhouse`
