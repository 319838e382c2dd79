/**
 * Following a job to its end — `rewind job watch`, `job create --wait` — and `job create` sent
 * again under the same `--command-id`:
 * - a job deleted while it is followed fails the follow, saying so (its `deleted` event, or
 *   `job.get` answering 404 once the job was seen), instead of waiting for ever;
 * - a command refused, then corrected and sent again with the same id, is published and followed
 *   (not swallowed as a duplicate of the refused one); the identical command sent again moments
 *   later is said to be a duplicate, and `--wait` follows its job, or fails when it made none.
 * A daemon in this process (a job kept InProgress by a work item the test holds), the CLI as
 * processes, the test run's nats-server.
 */
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { Job } from "../../../src/domain/job.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { makeNames } from "../../../src/nats/names.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { JobRepo } from "../../../src/repos/JobRepo.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { WorkItemRepo } from "../../../src/repos/WorkItemRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { eventually, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { holdWorkItem, jobReaching } from "../../helpers/jobChecks.ts"
import { testNatsUrl, uniquePrefix } from "../../helpers/nats.ts"
import { queuedJob } from "../../helpers/queuedJob.ts"
import { root } from "../../helpers/processes.ts"

const dataDir = tempDataDir("jobfollow")
/** Two jobs at once: both followed jobs InProgress. */
const settings = testSettings({ prefix: uniquePrefix(), dataDir, daemon: { jobConcurrency: 2 } })
const model = exampleModel()
const range = { dateStart: "2026-01-01T00:00:00Z", dateEnd: "2026-01-02T00:00:00Z" }
const program = model.programs[0]!.id
const scope = { ...range, programs: [program], mediaTypes: ["chat" as const] }
const scopeFlags = (program: string) => ["--from", range.dateStart, "--to", range.dateEnd, "--program", program, "--media", "chat"]
/** A follow that has not ended by now waits for ever: the test fails on its timeout, not the suite's. */
const FollowTimeoutMs = 30_000

let daemon: TestDaemon | undefined
const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon!.runPromise(e as Effect.Effect<A, E, never>)

/** The CLI as a process on `prefix`, its output as it comes; killed after `FollowTimeoutMs`. */
const rewindOn = (prefix: string, ...args: Array<string>) => {
  const env = { ...process.env, NATS_URL: testNatsUrl(), REWIND_PREFIX: prefix }
  const child = spawn(process.execPath, [join(root, "src/cli/main.ts"), ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
  const timer = setTimeout(() => child.kill("SIGKILL"), FollowTimeoutMs)
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    }))
  return { stdout: () => stdout, exited }
}

/** The CLI as a process on the test daemon's prefix. */
const rewind = (...args: Array<string>) => rewindOn(settings.nats.prefix, ...args)

const jobStatus = (jobId: string) =>
  run(requestApi("job.get", { jobId }).pipe(Effect.map((j) => (j as Job).jobStatus as string), Effect.orElseSucceed(() => "none")))

const holdItem = (jobId: string) => holdWorkItem(run, jobId)

/** The test's worker lets its item go once the job stops it, as a daemon's worker does. */
const letGo = (jobId: string) =>
  eventually(() =>
    run(Effect.gen(function*() {
      const items = yield* WorkItemRepo
      const stopped = (yield* items.list(jobId)).some((i) => i.stopped === true)
      if (!stopped) return undefined
      yield* items.update(jobId, 0, (i) => {
        const { worker: _w, heartbeatAt: _h, ...rest } = i
        return rest
      })
      return true
    })), 30_000, `${jobId} stopped`)

const bodyFile = (name: string, body: unknown) => {
  const path = join(dataDir, name)
  writeFileSync(path, JSON.stringify(body))
  return path
}

beforeAll(async () => {
  daemon = await startDaemon(settings)
  await run(Effect.gen(function*() { yield* (yield* ModelRepo).push(model, "test") }))
})

afterAll(async () => {
  await daemon?.dispose()
})

describe("a job deleted while it is followed", () => {
  it("job watch and job create --wait: non-zero, saying the job was deleted", { timeout: 90_000 }, async () => {
    await holdItem("del-watched")
    await holdItem("del-created")
    await run(publishCommand("job.create", { ...scope, name: "watched", jobId: "del-watched" }))
    await jobReaching(run, "del-watched", ["InProgress"], 30_000)
    const watch = rewind("job", "watch", "del-watched")
    const create = rewind("job", "create", "--name", "created", "--job-id", "del-created", ...scopeFlags(program), "--wait")
    await eventually(async () => (watch.stdout().includes("InProgress") && create.stdout().includes("InProgress") ? true : undefined), 30_000, "both following")

    await run(publishCommand("job.delete", { jobId: "del-watched" }))
    await run(publishCommand("job.delete", { jobId: "del-created" }))
    await Promise.all([letGo("del-watched"), letGo("del-created")])
    for (const [jobId, r] of [["del-watched", await watch.exited], ["del-created", await create.exited]] as const) {
      expect(r.code, r.stdout + r.stderr).toBe(1)
      expect(r.stderr.trimEnd()).toBe(`rewind: job "${jobId}" was deleted before it ended`)
      expect(await jobStatus(jobId)).toBe("none")
    }
  })

  it("its deleted event missed: job.get answering 404 once the job was seen ends the watch the same way", async () => {
    // A record no daemon runs (its coordinator the test, with a fresh heartbeat), removed without an event.
    const now = new Date().toISOString()
    const job = queuedJob("del-silent", scope, { jobStatus: "InProgress", owner: "test-coordinator", heartbeatAt: now, dateStarted: now })
    await run(Effect.gen(function*() { return yield* (yield* JobRepo).create(job) }))
    const watch = rewind("job", "watch", "del-silent")
    await eventually(async () => (watch.stdout().includes("InProgress") ? true : undefined), 30_000, "watching")
    await run(Effect.gen(function*() { return yield* (yield* JobRepo).remove("del-silent") }))
    const r = await watch.exited
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stderr.trimEnd()).toBe('rewind: job "del-silent" was deleted before it ended')
  })
})

describe("job create sent again under the same --command-id", () => {
  it("refused, then corrected: the corrected command is published and makes the job", async () => {
    const refused = await rewind("job", "create", "--name", "fix", "--job-id", "fix-flags", "--command-id", "fix-flags", ...scopeFlags("no-such-program"), "--wait").exited
    expect(refused.code, refused.stdout + refused.stderr).toBe(1)
    expect(refused.stderr).toMatch(/^rewind: the command was rejected: .*no-such-program/)

    const corrected = await rewind("job", "create", "--name", "fix", "--job-id", "fix-flags", "--command-id", "fix-flags", ...scopeFlags(program), "--json").exited
    expect(corrected.code, corrected.stderr).toBe(0)
    expect(JSON.parse(corrected.stdout)).toMatchObject({ jobId: "fix-flags", commandId: "fix-flags", duplicate: false })
    await eventually(async () => ((await jobStatus("fix-flags")) === "Completed" ? true : undefined), 30_000, "fix-flags completed")
  })

  it("--file, refused, then corrected, with --wait: followed to its end", async () => {
    const body = { ...scope, name: "fix file", jobId: "fix-file", commandId: "fix-file" }
    const refused = await rewind("job", "create", "--file", bodyFile("bad.json", { ...body, programs: ["no-such-program"] }), "--wait").exited
    expect(refused.code, refused.stdout + refused.stderr).toBe(1)
    expect(refused.stderr).toMatch(/^rewind: the command was rejected: .*no-such-program/)

    const corrected = await rewind("job", "create", "--file", bodyFile("good.json", body), "--wait").exited
    expect(corrected.code, corrected.stdout + corrected.stderr).toBe(0)
    expect(corrected.stdout.trimEnd().split("\n").at(-1)).toBe("job fix-file: Completed")
  })

  it("the identical command again, moments later: said to be a duplicate; --wait follows its job", async () => {
    const args = ["job", "create", "--name", "same", "--job-id", "same-job", "--command-id", "same-job", ...scopeFlags(program)]
    const first = await rewind(...args).exited
    expect(first.code, first.stderr).toBe(0)
    const seq = /^published job\.create \(stream seq (\d+)\): job same-job$/m.exec(first.stdout)?.[1]
    expect(seq, first.stdout).toBeDefined()

    const again = await rewind(...args).exited
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain(`job.create not published again: a duplicate of an identical command (same commandId and body) published moments ago (stream seq ${seq}): job same-job`)

    const waited = await rewind(...args, "--wait").exited
    expect(waited.code, waited.stdout + waited.stderr).toBe(0)
    expect(waited.stdout).toContain(`a duplicate of an identical command (same commandId and body) published moments ago (stream seq ${seq})`)
    expect(waited.stdout.trimEnd().split("\n").at(-1)).toBe("job same-job: Completed")
  })

  it("corrected while the wrong one still waits for a daemon: --wait follows the corrected one, not the wrong one's refusal", { timeout: 90_000 }, async () => {
    // A prefix of its own, whose daemon is down while both commands are published.
    const later = testSettings({ prefix: uniquePrefix(), dataDir })
    const first = await startDaemon(later)
    await first.runPromise(Effect.gen(function*() { yield* (yield* ModelRepo).push(model, "test") }))
    await first.dispose()
    const cmdStream = makeNames(later.nats.prefix).cmdStream
    const flags = ["job", "create", "--name", "late fix", "--job-id", "late-fix", "--command-id", "late-fix"]
    const wrong = await rewindOn(later.nats.prefix, ...flags, ...scopeFlags("no-such-program")).exited
    expect(wrong.code, wrong.stderr).toBe(0)
    const corrected = rewindOn(later.nats.prefix, ...flags, ...scopeFlags(program), "--wait")
    const inStream = () =>
      run(Effect.gen(function*() {
        const { jsm } = yield* Nats
        return (yield* Effect.promise(() => jsm.streams.info(cmdStream))).state.messages
      }))
    await eventually(async () => ((await inStream()) === 2 ? true : undefined), 30_000, "both commands in the stream")
    const second = await startDaemon(later)
    try {
      const r = await corrected.exited
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("job late-fix: Completed")
    } finally {
      await second.dispose()
    }
  })

  it("the identical command again after its refusal, with --wait: fails saying it made no job, instead of waiting for ever", async () => {
    const args = ["job", "create", "--name", "bad", "--job-id", "bad-again", "--command-id", "bad-again", ...scopeFlags("no-such-program"), "--wait"]
    const first = await rewind(...args).exited
    expect(first.code, first.stdout + first.stderr).toBe(1)
    const again = await rewind(...args).exited
    expect(again.code, again.stdout + again.stderr).toBe(1)
    expect(again.stderr.trimEnd()).toMatch(
      /^rewind: job\.create not published again: the identical command published moments ago \(stream seq \d+\) made no job "bad-again" \(it was refused, or the job deleted since\)$/
    )
    expect(await jobStatus("bad-again")).toBe("none")
  })
})
