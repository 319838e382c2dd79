import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { root } from "../../helpers/processes.ts"

/**
 * What the CLI's process loads before any command runs (the daemon's included): the dashboard's
 * libraries (Ink, React, Yoga with its WebAssembly memory: ≈ 20 MB of RSS) only for `rewind tui`;
 * none of what `@effect/platform-node`'s index brings beside what is used (its Redis module loads
 * the Redis client: ≈ 650 modules, ≈ 20 MB of RSS).
 */
const modulesLoadedBy = (...args: Array<string>) =>
  new Promise<Array<string>>((resolve, reject) => {
    const out = join(mkdtempSync(join(tmpdir(), "rewind-modules-")), "modules.txt")
    execFile(
      process.execPath,
      ["--import", join(root, "test/helpers/loadedModules.ts"), join(root, "src/cli/main.ts"), ...args],
      { cwd: root, env: { ...process.env, REWIND_TEST_MODULES_OUT: out }, timeout: 60_000 },
      (e) => (e === null ? resolve(readFileSync(out, "utf8").split("\n")) : reject(e))
    )
  })

describe("modules the CLI loads", () => {
  it("every command's parser is loaded; the dashboard's libraries are not (until rewind tui runs), nor a Redis client", async () => {
    const loaded = await modulesLoadedBy("--version")
    expect(loaded.some((u) => u.endsWith("/src/cli/tui.ts"))).toBe(true)
    expect(loaded.some((u) => u.endsWith("/src/cli/daemon.ts"))).toBe(true)
    expect(loaded.filter((u) => /\/node_modules\/(ink|react|react-reconciler|yoga-layout|@redis\/[\w-]+)\//.test(u) || u.endsWith("/src/tui/run.ts"))).toEqual([])
  })
})
