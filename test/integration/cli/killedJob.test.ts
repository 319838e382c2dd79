/**
 * A daemon killed (SIGKILL) in the middle of a reprocessing job: the job stays InProgress under
 * the dead owner; once its heartbeat is older than the takeover window the restarted daemon
 * resumes it from its checkpoint, and the finished job has every interaction once.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { tempDataDir } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { daemonEnv, processes, root, until } from "../../helpers/processes.ts"
import { kvRecords } from "../../helpers/records.ts"

const dataDir = tempDataDir("jobkilled")
const prefix = uniquePrefix()
const { env, rewind, startDaemon, http, killAll } = processes()
const records = kvRecords(prefix)
const getJob = records.job

afterAll(async () => {
  killAll()
  await records.dispose()
})

const scope = ["--from", "2026-02-01T00:00:00Z", "--to", "2026-02-05T00:00:00Z", "--program", "p-retention", "--program", "p-billing",
  "--program", "p-tech-support", "--media", "voice", "--media", "chat", "--media", "email", "--media", "message", "--media", "callback"]

describe("a daemon killed mid-job", () => {
  it("leaves the job InProgress; the restarted daemon resumes it from its checkpoint; nothing lost or doubled", { timeout: 240_000 }, async () => {
    Object.assign(env, await daemonEnv(prefix, dataDir), {
      REWIND_PAGE_SIZE: "10",
      REWIND_TAKEOVER_AFTER_SECONDS: "3",
      REWIND_RECOVERY_INTERVAL_MINUTES: "0"
    })
    expect(rewind("seed", "--count", "1500", "--from", "2026-02-01T00:00:00Z", "--to", "2026-02-05T00:00:00Z").code).toBe(0)
    expect(rewind("topics", "push", join(root, "config/topics.example.yaml")).code).toBe(0)

    const d1 = startDaemon()
    await until(async () => ((await http("/readyz")).status === 200 ? true : undefined), "readyz")
    const est = rewind("job", "estimate", ...scope, "--json")
    expect(est.code, est.stderr).toBe(0)
    const total = (JSON.parse(est.stdout) as { interactionCount: number }).interactionCount
    expect(rewind("job", "create", "--name", "killed", "--job-id", "kill-1", ...scope).code).toBe(0)

    const partway = await until(async () => {
      const j = await getJob("kill-1")
      return j && j.jobStatus === "InProgress" && j.plan !== undefined && j.processedInteractionsCount > 0 ? j : undefined
    }, "a checkpoint", 90_000)
    expect(partway.processedInteractionsCount).toBeLessThan(total)
    d1.child.kill("SIGKILL")
    expect(await d1.exited).toBeNull()

    // Nobody released it: still InProgress under the dead daemon, its work item leased to the
    // dead daemon at a checkpoint.
    const orphan = await getJob("kill-1")
    expect(orphan).toMatchObject({ jobStatus: "InProgress", owner: partway.owner })
    const leftAt = (await records.items("kill-1")).find((i) => !i.done && i.checkpoint !== undefined)
    expect(leftAt?.worker).toBeDefined()

    const d2 = startDaemon()
    const done = await until(async () => {
      const j = await getJob("kill-1")
      return j && (j.jobStatus === "Completed" || j.jobStatus === "Failed") ? j : undefined
    }, "job finished after restart", 180_000)
    expect(done.jobStatus).toBe("Completed")
    expect(done.owner).not.toBe(partway.owner)
    expect(done.processedInteractionsCount).toBe(total)
    expect(done.updatedInteractionsCount + done.unchangedInteractionsCount + done.failedInteractionsCount).toBe(total)
    // Resumed from the checkpoint the dead daemon left, not started over.
    expect(done.dateStarted).toBe(partway.dateStarted)
    expect(d2.lines.find((l) => l.includes("job resumed")), d2.lines.join("\n")).toBeDefined()
    const resumed = d2.lines.find((l) => l.includes("work item resumed"))
    expect(resumed, d2.lines.join("\n")).toBeDefined()
    expect(resumed).toContain(leftAt!.checkpoint!.id)

    // The export lists each updated interaction once.
    const out = join(dataDir, "kill-1.csv")
    expect(rewind("job", "export", "kill-1", "--out", out).code).toBe(0)
    const ids = readFileSync(out, "utf8").split("\r\n").slice(1).filter((l) => l !== "").map((l) => l.split(",")[0])
    expect(ids.length).toBe(done.updatedInteractionsCount)
    expect(new Set(ids).size).toBe(ids.length)

    d2.child.kill("SIGTERM")
    expect(await d2.exited).toBe(0)
  })
})
