/**
 * The two ways the store reaches ClickHouse, and the store and end-to-end tests run on both:
 * - `embedded`: chdb in the test's own process, data in the test file's temporary directory;
 * - `server`: ClickHouse's HTTP interface through `@clickhouse/client`, on the server the global
 *   setup started (or REWIND_TEST_CLICKHOUSE_URL), each suite in a database of its own.
 * Same SQL, same expected results: a failing test names its backend.
 */
import { inject } from "vitest"
import type { ClickHouseSettings } from "../../src/store/ClickHouseConfig.ts"

export type Backend = "embedded" | "server"

export const backends: ReadonlyArray<Backend> = ["embedded", "server"]

/** URL of the run's ClickHouse server. */
export const testClickHouseUrl = (): string => {
  const url = inject("clickhouseUrl")
  if (url === "" || url === undefined) {
    throw new Error(
      `no ClickHouse server for this test run: ${inject("clickhouseUnavailable") || "the global setup did not start one"}`
    )
  }
  return url
}

/** A database name of its own (`label_` + time + random, base 36), for a suite sharing the server. */
export const uniqueDatabase = (label: string): string =>
  `${label}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

/** Settings of the store on `backend`: `database` on the run's server, or embedded under `dataDir`. */
export const clickhouseSettings = (backend: Backend, o: { readonly dataDir: string; readonly database: string }): ClickHouseSettings =>
  backend === "server"
    ? { url: testClickHouseUrl(), user: "default", database: o.database, dataDir: o.dataDir }
    : { user: "default", database: o.database, dataDir: o.dataDir }

/** The same, as a daemon process's environment. */
export const clickhouseEnv = (backend: Backend, database: string): Record<string, string> => ({
  CLICKHOUSE_DATABASE: database,
  ...(backend === "server" ? { CLICKHOUSE_URL: testClickHouseUrl() } : {})
})
