/**
 * A store for one test file's suite on a backend (test/helpers/clickhouse.ts): embedded in a
 * fresh temporary directory (vitest runs each file in its own process; the embedded engine
 * allows one data path per process), or on the run's server in a database of its own.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import type { ClickHouseSettings } from "../../../src/store/ClickHouseConfig.ts"
import { storeLayer } from "../../../src/store/layer.ts"
import { type Backend, clickhouseSettings, uniqueDatabase } from "../../helpers/clickhouse.ts"

/**
 * A fresh directory, removed after the file's tests (file-level `afterAll`, so it runs after
 * the suites' own hooks have closed the store). Call it at the top level of a test file.
 */
export const tempDataDir = (name: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `rewind-store-${name}-`))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export const testSettings = (backend: Backend, dataDir: string): ClickHouseSettings =>
  clickhouseSettings(backend, { dataDir, database: backend === "server" ? uniqueDatabase("rewind_test") : "rewind_test" })

export const testStoreLayer = (name: string, backend: Backend) => storeLayer(testSettings(backend, tempDataDir(name)))
