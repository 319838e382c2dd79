/**
 * `rewind job cancel|delete|confirm|retry|revert ID`: the job is looked up first — one that does not exist
 * fails with a one-line "no job" and nothing is published — and a refusal by the daemon arriving
 * within a short wait fails with its reason, instead of exit 0 and "published". A daemon in this
 * process, the CLI as processes, the test run's nats-server.
 */
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { eventually, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { testNatsUrl, uniquePrefix } from "../../helpers/nats.ts"
import { root } from "../../helpers/processes.ts"

const settings = testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("jobcmd") })
let daemon: TestDaemon | undefined

/** The CLI as a process, without blocking this one (the daemon answering it runs here). */
const rewind = (...args: Array<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const env = { ...process.env, NATS_URL: testNatsUrl(), REWIND_PREFIX: settings.nats.prefix }
    execFile(process.execPath, [join(root, "src/cli/main.ts"), ...args], { cwd: root, env, timeout: 60_000 }, (e, stdout, stderr) =>
      resolve({ code: e === null ? 0 : typeof e.code === "number" ? e.code : 1, stdout, stderr }))
  })

const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon!.runPromise(e as Effect.Effect<A, E, never>)

/** Messages in the command stream and the dead-letter stream. */
const streamCounts = () =>
  run(Effect.gen(function*() {
    const { jsm, names } = yield* Nats
    return yield* Effect.promise(async () => ({
      commands: (await jsm.streams.info(names.cmdStream)).state.messages,
      deadLetters: (await jsm.streams.info(names.dlqStream)).state.messages
    }))
  }))

const jobStatus = (jobId: string) =>
  run(requestApi("job.get", { jobId }).pipe(Effect.map((j) => (j as { jobStatus: string }).jobStatus), Effect.orElseSucceed(() => "none")))

const oneLine = (stderr: string) => {
  expect(stderr.trimEnd().split("\n")).toHaveLength(1)
  expect(stderr).toMatch(/^rewind: /)
}

beforeAll(async () => {
  daemon = await startDaemon(settings)
  const model = exampleModel()
  await run(Effect.gen(function*() {
    yield* (yield* ModelRepo).push(model, "test")
    yield* publishCommand("job.create", {
      jobId: "done-1", commandId: "create-done-1", name: "done", dateStart: "2026-01-01T00:00:00Z", dateEnd: "2026-01-02T00:00:00Z",
      programs: [model.programs[0]!.id], mediaTypes: ["chat"]
    })
  }))
  await eventually(async () => ((await jobStatus("done-1")) === "Completed" ? true : undefined), 30_000, "done-1 completed")
})

afterAll(async () => {
  await daemon?.dispose()
})

describe("rewind job cancel|delete|confirm|retry|revert", () => {
  it("of a job that does not exist: non-zero, one line \"no job\", nothing published", async () => {
    const before = await streamCounts()
    const results = await Promise.all([
      rewind("job", "cancel", "no-such-job"),
      rewind("job", "delete", "no-such-job"),
      rewind("job", "confirm", "no-such-job", "--json"),
      rewind("job", "retry", "no-such-job"),
      rewind("job", "retry", "no-such-job", "--wait"),
      rewind("job", "revert", "no-such-job"),
      rewind("job", "revert", "no-such-job", "--wait")
    ])
    for (const r of results) {
      expect(r.code, r.stdout + r.stderr).not.toBe(0)
      oneLine(r.stderr)
      expect(r.stderr).toContain('no job "no-such-job"')
      expect(r.stdout).toBe("")
    }
    expect(await streamCounts()).toEqual(before)
  })

  it("that the daemon refuses (the job's state): non-zero with the refusal's reason", async () => {
    const [cancel, confirm, retry, revert] = await Promise.all([
      rewind("job", "cancel", "done-1"),
      rewind("job", "confirm", "done-1", "--json"),
      rewind("job", "retry", "done-1"),
      // Its revert's id is taken (by the job itself).
      rewind("job", "revert", "done-1", "--revert-id", "done-1")
    ])
    for (const r of [cancel, confirm, retry, revert]) {
      expect(r.code, r.stdout + r.stderr).not.toBe(0)
      oneLine(r.stderr)
      expect(r.stdout).toBe("")
    }
    // The daemon's reason, which names the job's state.
    expect(cancel.stderr).toMatch(/^rewind: job\.cancel for "done-1" was refused: .*Completed/)
    expect(confirm.stderr).toMatch(/^rewind: job\.confirm for "done-1" was refused: .*Completed/)
    expect(retry.stderr).toMatch(/^rewind: job\.retry for "done-1" was refused: .*Completed/)
    expect(revert.stderr).toMatch(/^rewind: job\.revert for "done-1" was refused: a job "done-1" already exists/)
    expect(await jobStatus("done-1")).toBe("Completed")
  })

  it("revert, accepted: exit 0, saying which job the revert runs as", async () => {
    const r = await rewind("job", "revert", "done-1")
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^published job\.revert for done-1 \(stream seq \d+\): accepted\nthe revert runs as job revert-done-1; /)
    await eventually(async () => ((await jobStatus("revert-done-1")) === "Completed" ? true : undefined), 30_000, "revert-done-1 completed")
  })

  it("that the daemon accepts: exit 0, accepted (--json: status accepted)", async () => {
    const r = await rewind("job", "delete", "done-1", "--json")
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe("")
    expect(JSON.parse(r.stdout)).toMatchObject({ jobId: "done-1", status: "accepted", streamSeq: expect.any(Number), commandId: expect.any(String) })
    expect(await jobStatus("done-1")).toBe("none")
    const again = await rewind("job", "delete", "done-1")
    expect(again.code).not.toBe(0)
    expect(again.stderr.trimEnd()).toBe('rewind: no job "done-1" (rewind job list shows the jobs there are)')
  })

  it("with no daemon answering: published unchecked, exit 0 (a daemon started later processes it)", async () => {
    await daemon!.dispose()
    daemon = undefined
    const r = await rewind("job", "cancel", "later-job")
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^published job\.cancel for later-job \(stream seq \d+\): no daemon answered, so the job was not looked up/)
  })
})
