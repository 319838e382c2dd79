/**
 * A store on the embedded engine in a fresh temporary directory, for one test file (vitest
 * runs each file in its own process; the embedded engine allows one data path per process).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import type { ClickHouseSettings } from "../../../src/store/ClickHouseConfig.ts"
import { storeLayer } from "../../../src/store/layer.ts"

/**
 * A fresh directory, removed after the file's tests (file-level `afterAll`, so it runs after
 * the suites' own hooks have closed the store). Call it at the top level of a test file.
 */
export const tempDataDir = (name: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `rewind-store-${name}-`))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export const testSettings = (dataDir: string): ClickHouseSettings => ({
  user: "default",
  database: "rewind_test",
  dataDir
})

export const testStoreLayer = (name: string) => storeLayer(testSettings(tempDataDir(name)))
