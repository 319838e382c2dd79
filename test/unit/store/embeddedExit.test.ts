import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const module = join(import.meta.dirname, "../../../src/store/embeddedExit.ts")

/** A Node process that registers an exit handler, then calls `exitPastEmbeddedEngine(code)`. */
const leave = (code: number, engineLoaded: boolean) =>
  spawnSync(process.execPath, ["--input-type=module", "-e", `
    const m = await import(${JSON.stringify(module)})
    process.on("exit", () => process.stdout.write("exit handlers ran\\n"))
    if (${engineLoaded}) m.markEmbeddedEngineLoaded()
    process.stdout.write("leaving\\n")
    m.exitPastEmbeddedEngine(${code})
    process.stdout.write("returned\\n")
    process.exitCode = ${code}
  `], { encoding: "utf8", timeout: 30_000 })

describe("exitPastEmbeddedEngine", () => {
  it("with the embedded engine loaded, exits with the code and runs none of the process's exit handlers", () => {
    const r = leave(3, true)
    expect(r.status).toBe(3)
    expect(r.stdout).toBe("leaving\n")
  })

  it("without it, returns: the process leaves as usual, through its exit handlers", () => {
    const r = leave(4, false)
    expect(r.status).toBe(4)
    expect(r.stdout).toBe("leaving\nreturned\nexit handlers ran\n")
  })
})
