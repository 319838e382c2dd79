import { Effect } from "effect"
import { execFile } from "node:child_process"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Job } from "../../../src/domain/job.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { eventually, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { testNatsUrl, uniquePrefix } from "../../helpers/nats.ts"
import { root } from "../../helpers/processes.ts"

/** A job published by a raw NATS client with a name meant for the terminal, read back by `rewind job`. */
const settings = testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("term") })
let daemon: TestDaemon

/** The CLI as a process, without blocking this one (the daemon answering it runs here). */
const rewind = (...args: Array<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const env = { ...process.env, NATS_URL: testNatsUrl(), REWIND_PREFIX: settings.nats.prefix }
    execFile(process.execPath, [join(root, "src/cli/main.ts"), ...args], { cwd: root, env, timeout: 60_000 }, (e, stdout, stderr) =>
      resolve({ code: e === null ? 0 : typeof e.code === "number" ? e.code : 1, stdout, stderr }))
  })

const evil = "\x1b[2J\x1b]0;owned\x07Q1\r\nfake: line\x00\u202Eexe.txt\x9b31m"
const shown = "\\x1b[2J\\x1b]0;owned\\x07Q1\\x0d\\x0afake: line\\x00\\u202eexe.txt\\x9b31m"
/** Anything besides line breaks that would act on a terminal. */
const acting = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/ // eslint-disable-line no-control-regex

const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)

beforeAll(async () => {
  daemon = await startDaemon(settings)
  const model = exampleModel()
  await run(Effect.gen(function*() { return yield* (yield* ModelRepo).push(model, "test") }))
  const { js, names } = await run(Effect.gen(function*() { return yield* Nats }))
  await js.publish(names.cmd("job.create"), JSON.stringify({
    jobId: "evil-1", name: evil, createdBy: evil, dateStart: "2026-01-01T00:00:00Z", dateEnd: "2026-01-02T00:00:00Z",
    programs: [model.programs[0]!.id], mediaTypes: ["chat"], dialects: [evil]
  }))
  await eventually(async () => (await run(requestApi("job.get", { jobId: "evil-1" }).pipe(Effect.option)))._tag === "Some" || undefined, 30_000, "evil-1")
})

afterAll(async () => {
  await daemon?.dispose()
})

describe("rewind job prints what commands carry escaped, and --json exactly", () => {
  it("job list: the name shows its controls escaped, one line per job", async () => {
    const r = await rewind("job", "list")
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).not.toMatch(acting)
    const rows = r.stdout.trimEnd().split("\n")
    expect(rows).toHaveLength(2)
    expect(rows[1]).toContain(`evil-1  ${shown.slice(0, 20)}`)
  })

  it("job show: name, creator and dialects show escaped; no line is faked", async () => {
    const r = await rewind("job", "show", "evil-1")
    expect(r.code).toBe(0)
    expect(r.stdout).not.toMatch(acting)
    const out = r.stdout.split("\n")
    expect(out[0]).toBe(`evil-1  ${shown}`)
    expect(out[1]).toMatch(/^status /)
    expect(out.find((l) => l.startsWith("created "))).toContain(`by ${shown}`)
    expect(out.find((l) => l.startsWith("media "))).toContain(`dialects ${shown}`)
    expect(out.filter((l) => l.startsWith("fake"))).toEqual([])
  })

  it("job show --json: exact JSON, with the controls JSON leaves raw (C1, bidi) as \\u escapes", async () => {
    const r = await rewind("job", "show", "evil-1", "--json")
    expect(r.code).toBe(0)
    expect(r.stdout).not.toMatch(acting)
    expect(r.stdout).toContain("\\u202eexe.txt\\u009b31m")
    const job = JSON.parse(r.stdout) as Job
    expect(job).toMatchObject({ name: evil, createdBy: evil, dialects: [evil] })
  })
})
