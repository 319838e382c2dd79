import { execFileSync } from "node:child_process"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { eventually, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { testNatsUrl, uniquePrefix } from "../../helpers/nats.ts"

/**
 * `rewind tui` in a real terminal (tmux) against a real daemon and nats-server: the job we
 * publish shows up and runs to Completed on screen; `q` exits cleanly.
 */

const root = join(import.meta.dirname, "../../..")
const entry = ["src/cli/main.ts", "tui"]

const prefix = uniquePrefix()
const socket = `rewind-tui-${prefix}`
const session = "dash"
const settings = testSettings({ prefix, dataDir: tempDataDir("tui") })
const model = exampleModel()
let daemon: TestDaemon

const tmux = (...args: Array<string>) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" })
const screen = () => tmux("capture-pane", "-p", "-t", session)
const press = (key: string) => tmux("send-keys", "-t", session, key)
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/** Waits until the screen shows what `test` looks for; the last screen is in the error. */
const waitForScreen = async (what: string, test: (s: string) => boolean, timeoutMs = 60_000) => {
  let last = ""
  try {
    return await eventually(async () => {
      last = screen()
      return test(last) ? last : undefined
    }, timeoutMs, what)
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- screen ---\n${last}`, { cause: e })
  }
}

beforeAll(async () => {
  daemon = await startDaemon(settings)
  await daemon.runPromise(seedStore({ seed: 11, count: 300, from: "2026-01-01T00:00:00Z", to: "2026-01-15T00:00:00Z" }) as Effect.Effect<unknown, unknown, never>)
  await daemon.runPromise(Effect.gen(function*() { return yield* (yield* ModelRepo).push(model, "test") }) as Effect.Effect<unknown, unknown, never>)
  const command = [
    `cd ${sh(root)}`,
    `env -u CI -u CONTINUOUS_INTEGRATION ${[process.execPath, ...entry].map(sh).join(" ")}`,
    "echo EXIT=$?",
    "sleep 300"
  ].join("; ")
  tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40",
    "-e", `NATS_URL=${testNatsUrl()}`, "-e", `REWIND_PREFIX=${prefix}`, command)
}, 120_000)

afterAll(async () => {
  try {
    tmux("kill-server")
  } catch { /* already gone */ }
  await daemon?.dispose()
})

describe("rewind tui in a terminal", () => {
  it("shows a published job run to Completed, live, and exits cleanly on q", async () => {
    await waitForScreen("the dashboard, connected", (s) => s.includes("Rewind") && s.includes("● connected") && s.includes("no jobs yet"))
    await waitForScreen("the daemon in the Daemons view", (s) => {
      press("4")
      return /1 daemon answering as service "rewind"/.test(s)
    })
    press("2")

    await daemon.runPromise(publishCommand("job.create", {
      name: "tui end to end",
      jobId: "tui-1",
      createdBy: "tmux",
      dateStart: "2026-01-02T00:00:00Z",
      dateEnd: "2026-01-12T00:00:00Z",
      programs: model.programs.slice(0, 3).map((p) => p.id),
      mediaTypes: ["voice", "chat", "email", "message"]
    }) as Effect.Effect<unknown, unknown, never>)

    const done = await waitForScreen("job tui-1 Completed", (s) => /tui-1\s.*Completed\s.*100\.0%/.test(s), 90_000)
    expect(done).toMatch(/tui-1\s+tui end to end/) // the details pane of the selected job
    expect(done).toMatch(/by tmux/)
    expect(done).toMatch(/export\s+\S+-exports\/tui-1\.csv/)

    press("1")
    const queues = await waitForScreen("the Queues view", (s) => s.includes("commands waiting"))
    expect(queues).toContain(`${prefix.toUpperCase()}_CMD`)
    expect(queues).toContain(`${prefix}-daemon`)

    press("q")
    const exited = await waitForScreen("the dashboard to exit", (s) => /EXIT=\d+/.test(s), 15_000)
    expect(exited).toContain("EXIT=0")
  }, 180_000)
})
