/**
 * A store on the embedded engine in a fresh temporary directory, for one test file (vitest
 * runs each file in its own process; the embedded engine allows one data path per process).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { ClickHouseSettings } from "../../../src/store/ClickHouseConfig.ts"
import { storeLayer } from "../../../src/store/layer.ts"

export const tempDataDir = (name: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `rewind-store-${name}-`))
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export const testSettings = (dataDir: string): ClickHouseSettings => ({
  user: "default",
  database: "rewind_test",
  dataDir
})

export const testStoreLayer = (name: string) => storeLayer(testSettings(tempDataDir(name)))
