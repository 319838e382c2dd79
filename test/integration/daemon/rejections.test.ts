import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { Job } from "../../../src/domain/job.ts"
import { RejectionKinds } from "../../../src/daemon/jobs/errors.ts"
import { Metrics } from "../../../src/daemon/Metrics.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { JobRepo } from "../../../src/repos/JobRepo.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { eventually, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { queuedJob } from "../../helpers/queuedJob.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const model = exampleModel()

describe.each(backends)("store on %s", (backend) => {
  const settings = testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("reject"), backend, daemon: { maxCommandBytes: 64 * 1024, maxJobInteractions: 60 } })
  let daemon: TestDaemon
  let nats: Nats["Service"]

  interface Rejection { commandId?: string; subject: string; reason: string; field?: string; streamSeq: number }
  const rejections: Array<Rejection> = []

  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
  const valid = {
    name: "ok",
    dateStart: "2026-01-01T00:00:00Z",
    dateEnd: "2026-01-03T00:00:00Z",
    programs: [model.programs[0]!.id],
    mediaTypes: ["chat"]
  }

  /** Publishes raw bytes to a command subject; returns the stream sequence. */
  const publishRaw = async (suffix: string, data: string | Uint8Array) => (await nats.js.publish(`${settings.nats.prefix}.cmd.${suffix}`, data)).seq

  const rejectionFor = (seq: number) =>
    eventually(async () => rejections.find((r) => r.streamSeq === seq), 30_000, `rejection of command #${seq}`)

  const deadLetterFor = (seq: number) =>
    eventually(async () => (await deadLetters()).find((d) => d.seq === String(seq)), 10_000, `dead letter of command #${seq}`)

  /** The refusal of an edit, as the README quotes it. */
  const readmeEditRefusal = (): string => {
    const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8").replace(/\s+/g, " ")
    const quoted = /rewind\.cmd\.job\.update`[^"]* is refused with "([^"]+)"/.exec(readme)?.[1]
    if (quoted === undefined) throw new Error("README.md does not quote the edit refusal")
    return quoted
  }

  /** Every message of the dead-letter stream: subject, headers, original bytes. */
  const deadLetters = async () => {
    const consumer = await nats.js.consumers.get(nats.names.dlqStream)
    const out: Array<{ subject: string; reason: string; field: string; seq: string; data: string; bytes: Uint8Array }> = []
    const info = await nats.jsm.streams.info(nats.names.dlqStream)
    if (info.state.messages === 0) return out
    const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 })
    for await (const m of batch) {
      out.push({
        subject: m.subject,
        reason: m.headers?.get("Rewind-Reason") ?? "",
        field: m.headers?.get("Rewind-Field") ?? "",
        seq: m.headers?.get("Rewind-Original-Seq") ?? "",
        data: m.string(),
        bytes: Uint8Array.from(m.data)
      })
      if (out.length >= info.state.messages) break
    }
    return out
  }

  beforeAll(async () => {
    daemon = await startDaemon(settings)
    nats = await run(Effect.gen(function*() { return yield* Nats }))
    nats.nc.subscribe(nats.names.evt("command.rejected"), { callback: (_e, m) => void rejections.push(m.json()) })
    await run(seedStore({ seed: 3, count: 120, from: "2026-01-01T00:00:00Z", to: "2026-01-05T00:00:00Z" }))
    await run(Effect.gen(function*() { return yield* (yield* ModelRepo).push(model, "test") }))
  })

  afterAll(async () => {
    await daemon?.dispose()
  })

  describe("bad commands are refused clearly, kept, and never loop", () => {
    it("malformed JSON: rejected, original kept in the dead-letter stream with the reason", async () => {
      const seq = await publishRaw("job.create", "{\"name\": \"half")
      const r = await rejectionFor(seq)
      expect(r.reason).toMatch(/^malformed JSON/)
      expect(r.subject).toBe(`${settings.nats.prefix}.cmd.job.create`)
      const dl = await eventually(async () => (await deadLetters()).find((d) => d.seq === String(seq)), 10_000, "dead letter")
      expect(dl.data).toBe("{\"name\": \"half")
      expect(dl.reason).toMatch(/^malformed JSON/)
      expect(dl.subject).toBe(`${settings.nats.prefix}.dlq.${settings.nats.prefix}.cmd.job.create`)
    })

    it("wrong types: names the field", async () => {
      const r = await rejectionFor(await publishRaw("job.create", JSON.stringify({ ...valid, name: 12, commandId: "bad-types" })))
      expect(r.field).toBe("name")
      expect(r.commandId).toBe("bad-types")
      expect(r.reason).toContain("name: Expected string")
    })

    it("unknown programs: says which and what the model has", async () => {
      const r = await rejectionFor(await publishRaw("job.create", JSON.stringify({ ...valid, programs: ["p-nope"] })))
      expect(r.field).toBe("programs")
      expect(r.reason).toContain("unknown program \"p-nope\"")
      expect(r.reason).toContain(model.programs[0]!.id)
    })

    it("inverted and open date ranges", async () => {
      const inverted = await rejectionFor(await publishRaw("job.create", JSON.stringify({ ...valid, dateStart: "2026-02-01T00:00:00Z" })))
      expect(inverted.reason).toContain("must be before dateEnd")
      const { dateEnd: _, ...open } = valid
      const openR = await rejectionFor(await publishRaw("job.create", JSON.stringify(open)))
      expect(openR.field).toBe("dateEnd")
    })

    it("invalid UTF-8 is refused as malformed, never replaced; the original bytes are kept exactly", async () => {
      const body = new TextEncoder().encode(JSON.stringify({ ...valid, name: "AB" }))
      const at = body.indexOf(0x41) // "AB" → C3 28: a two-byte lead, then "(" where its second byte should be
      const bytes = Uint8Array.from([...body.slice(0, at), 0xc3, 0x28, ...body.slice(at + 2)])
      const seq = await publishRaw("job.create", bytes)
      const r = await rejectionFor(seq)
      expect(r.reason).toBe(`malformed JSON: invalid UTF-8 at byte ${at} (0xc3)`)
      const dl = await deadLetterFor(seq)
      expect(dl.reason).toBe(r.reason)
      expect(Buffer.from(dl.bytes).equals(Buffer.from(bytes))).toBe(true)
      const jobs = await run(requestApi("job.list", {})) as { jobs: Array<Job> }
      expect(jobs.jobs.filter((j) => j.name.includes("\uFFFD"))).toEqual([])
    })

    it("refusals that concern several fields name them all, in the event and the dead letter's Rewind-Field", async () => {
      const recovery = (body: object) => publishRaw("recovery.run", JSON.stringify(body))
      const day = 86_400_000
      const cases: Array<[Promise<number>, string]> = [
        [publishRaw("job.create", JSON.stringify({ ...valid, dateStart: valid.dateEnd })), "dateStart,dateEnd"],
        [publishRaw("job.create", JSON.stringify({ ...valid, filters: { minDurationMs: 9, maxDurationMs: 1 } })), "filters.minDurationMs,filters.maxDurationMs"],
        [recovery({ from: "2026-01-01T00:00:00Z" }), "to"],
        [recovery({ to: "2026-01-01T00:00:00Z" }), "from"],
        [recovery({ from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" }), "from,to"],
        [recovery({ from: "2026-01-01T00:00:00Z", to: "2026-02-02T00:00:00Z" }), "from,to"],
        [recovery({ from: new Date(Date.now() + day).toISOString(), to: new Date(Date.now() + 2 * day).toISOString() }), "to"]
      ]
      for (const [published, field] of cases) {
        const seq = await published
        const r = await rejectionFor(seq)
        expect(r.field, r.reason).toBe(field)
        expect(r.reason.startsWith(`${field}: `), r.reason).toBe(true)
        expect((await deadLetterFor(seq)).field).toBe(field)
      }
    })

    it("empty media types", async () => {
      const r = await rejectionFor(await publishRaw("job.create", JSON.stringify({ ...valid, mediaTypes: [] })))
      expect(r).toMatchObject({ field: "mediaTypes", reason: "mediaTypes: select at least one media type" })
    })

    it("huge payloads: over the daemon's limit is rejected; over the server's is refused at publish", async () => {
      const big = JSON.stringify({ ...valid, description: "x".repeat(100 * 1024) })
      const r = await rejectionFor(await publishRaw("job.create", big))
      expect(r.reason).toMatch(/bytes, over the limit of 65536 bytes/)
      await expect(publishRaw("job.create", "x".repeat(2 * 1024 * 1024))).rejects.toThrow()
    })

    it("unknown commands and edit attempts", async () => {
      const unknown = await rejectionFor(await publishRaw("job.frobnicate", JSON.stringify({ jobId: "x" })))
      expect(unknown.reason).toContain("unknown command \"job.frobnicate\"")
      const edit = await rejectionFor(await publishRaw("job.update", JSON.stringify({ jobId: "x", name: "new" })))
      expect(edit.reason).toBe(readmeEditRefusal())
    })

    it("an edit subject is refused as an edit whatever its body: empty, not JSON, or a JSON object", async () => {
      for (const body of ["", "not json"]) {
        const r = await rejectionFor(await publishRaw("job.update", body))
        expect(r.reason, JSON.stringify(body)).toBe(readmeEditRefusal())
        expect(r.field).toBeUndefined()
        expect((await deadLetterFor(r.streamSeq)).data).toBe(body)
      }
      const put = await rejectionFor(await publishRaw("job.put", JSON.stringify({ jobId: "x", commandId: "edit-1" })))
      expect(put).toMatchObject({ reason: readmeEditRefusal(), commandId: "edit-1" })
    })

    it("a second create with an existing jobId is refused as an edit", async () => {
      await run(publishCommand("job.create", { ...valid, jobId: "edit-me", name: "first" }))
      await eventually(async () => (await run(requestApi("job.get", { jobId: "edit-me" }).pipe(Effect.option)))._tag === "Some" || undefined, 30_000, "edit-me")
      const r = await rejectionFor(await publishRaw("job.create", JSON.stringify({ ...valid, jobId: "edit-me", name: "second" })))
      expect(r.field).toBe("jobId")
      expect(r.reason).toMatch(/^job "edit-me" already exists \(status \w+\) and this command differs from it; /)
      expect(r.reason.endsWith(`; ${readmeEditRefusal()}`)).toBe(true)
      const job = await run(requestApi("job.get", { jobId: "edit-me" })) as Job
      expect(job.name).toBe("first")
    })

    it("the same create sent again under another commandId is refused without saying it differs; one differing only in filters says it does", async () => {
      // Whole-second instants, as the README's examples write them: the job records them in milliseconds.
      const body = { ...valid, jobId: "same-again", name: "again", mediaTypes: ["Chat"] }
      await run(publishCommand("job.create", { ...body, commandId: "sa-1" }))
      await eventually(async () => (await run(requestApi("job.get", { jobId: "same-again" }).pipe(Effect.option)))._tag === "Some" || undefined, 30_000, "same-again")
      const same = await rejectionFor(await publishRaw("job.create", JSON.stringify({ ...body, commandId: "sa-2" })))
      expect(same.reason).toMatch(/^job "same-again" already exists \(status \w+\); /)
      const other = await rejectionFor(await publishRaw("job.create", JSON.stringify({ ...body, commandId: "sa-3", filters: { directions: ["inbound"] } })))
      expect(other.reason).toMatch(/^job "same-again" already exists \(status \w+\) and this command differs from it; /)
    })

    it("duplicate commandIds are ignored: one job, no rejection", async () => {
      const body = { ...valid, name: "dup", commandId: "same-id" }
      await publishRaw("job.create", JSON.stringify({ ...body, jobId: "dup-1" }))
      const second = await publishRaw("job.create", JSON.stringify({ ...body, jobId: "dup-2" }))
      await eventually(async () => (await run(requestApi("job.get", { jobId: "dup-1" }).pipe(Effect.option)))._tag === "Some" || undefined, 30_000, "dup-1")
      // The consumer has moved past the duplicate (acked, not pending) and made nothing of it.
      await eventually(async () => {
        const info = await nats.jsm.consumers.info(nats.names.cmdStream, nats.names.cmdConsumer)
        return info.ack_floor.stream_seq >= second ? true : undefined
      }, 30_000, "duplicate acked")
      const dup2 = await run(requestApi("job.get", { jobId: "dup-2" }).pipe(Effect.flip)) as { code: number }
      expect(dup2.code).toBe(404)
      expect(rejections.find((r) => r.streamSeq === second)).toBeUndefined()
    })

    it("a scope over the job limit is refused, saying so and suggesting narrower filters; the estimate flags it", async () => {
      const wide = { ...valid, dateEnd: "2026-01-05T00:00:00Z", programs: model.programs.map((p) => p.id), mediaTypes: ["voice", "callback", "chat", "email", "message"] }
      const e = await run(requestApi("job.estimate", wide)) as { interactionCount: number; limit: number; exceedsLimit: boolean }
      expect(e.interactionCount).toBeGreaterThan(60)
      expect(e).toMatchObject({ limit: 60, exceedsLimit: true })
      const r = await rejectionFor(await publishRaw("job.create", JSON.stringify({ ...wide, name: "too big" })))
      expect(r.reason).toContain(`the scope holds ${e.interactionCount} interactions, over the limit of 60 per job: narrow the date range`)
      // the whole scope is to blame: every field that selects it is named
      expect(r.field).toBe("dateStart,dateEnd,programs,mediaTypes,dialects,filters")
      expect((await deadLetterFor(r.streamSeq)).field).toBe(r.field)
    })

    it("a queued job whose scope has grown over the limit since it was accepted fails saying so, before any work", async () => {
      // The state a job reaches when recovery or live ingestion adds interactions to its range
      // while it waits: its record as create wrote it, its scope now over the limit of 60.
      const wide = { ...valid, dateEnd: "2026-01-05T00:00:00Z", programs: model.programs.map((p) => p.id), mediaTypes: ["voice", "callback", "chat", "email", "message"] as Job["mediaTypes"] }
      const { interactionCount } = await run(requestApi("job.estimate", wide)) as { interactionCount: number }
      const queued = queuedJob("grown-1", wide, { name: "grown", totalInteractionsCount: 60 })
      await run(Effect.gen(function*() { return yield* (yield* JobRepo).create(queued) }))
      const failed = await eventually(async () => {
        const j = await run(requestApi("job.get", { jobId: "grown-1" })) as Job
        return j.jobStatus === "Failed" || j.jobStatus === "Completed" ? j : undefined
      }, 30_000, "grown-1 ended")
      expect(failed).toMatchObject({ jobStatus: "Failed", processedInteractionsCount: 0 })
      expect(failed.errorMessage).toContain(`by the time the job started, the scope holds ${interactionCount} interactions, over the limit of 60 per job`)
    })

    it("cancel/delete of unknown jobs are rejected; queries say 404", async () => {
      const r = await rejectionFor(await publishRaw("job.cancel", JSON.stringify({ jobId: "ghost" })))
      expect(r.reason).toContain("no job with id \"ghost\"")
      const e = await run(requestApi("job.export", { jobId: "ghost" }).pipe(Effect.flip)) as { code: number }
      expect(e.code).toBe(404)
      const bad = await run(requestApi("job.estimate", { ...valid, mediaTypes: [] }).pipe(Effect.flip)) as { code: number; message: string }
      expect(bad.code).toBe(400)
      expect(bad.message).toContain("mediaTypes")
    })

    it("after all that, and a burst of mixed commands, the daemon still runs jobs and lost nothing", async () => {
      const before = (await deadLetters()).length
      const seqs: Array<number> = []
      for (let i = 0; i < 200; i++) {
        const body = i % 3 === 0 ? "not json" : i % 3 === 1 ? JSON.stringify({ jobId: `missing-${i}` }) : JSON.stringify({ ...valid, mediaTypes: ["fax"] })
        seqs.push(await publishRaw(i % 3 === 1 ? "job.cancel" : "job.create", body))
      }
      await eventually(async () => ((await deadLetters()).length - before >= 200 ? true : undefined), 60_000, "200 dead letters")
      const dl = await deadLetters()
      const kept = new Set(dl.map((d) => Number(d.seq)))
      expect(seqs.every((s) => kept.has(s))).toBe(true)
      await run(publishCommand("job.create", { ...valid, name: "after burst", jobId: "after-burst" }))
      const done = await eventually(async () => {
        const j = await run(requestApi("job.get", { jobId: "after-burst" }).pipe(Effect.option))
        return j._tag === "Some" && (j.value as Job).jobStatus === "Completed" ? j.value as Job : undefined
      }, 60_000, "after-burst completed")
      expect(done.processedInteractionsCount).toBeGreaterThan(0)
      const info = await nats.jsm.consumers.info(nats.names.cmdStream, nats.names.cmdConsumer)
      expect(info.num_pending).toBe(0)
      expect(info.num_ack_pending).toBe(0)
      // Every outcome is counted.
      const metrics = await run(Effect.gen(function*() { return yield* Metrics }))
      const text = await metrics.registry.metrics()
      const rejected = Number(/rewind_commands_total\{type="job.create",outcome="rejected"\} (\d+)/.exec(text)?.[1])
      expect(rejected).toBeGreaterThanOrEqual(133)
      expect(text).toMatch(/rewind_commands_total\{type="job.create",outcome="duplicate"\} 1/)
      expect(text).toMatch(/rewind_commands_total\{type="job.cancel",outcome="rejected"\} \d+/)
      expect(text).toMatch(/rewind_commands_total\{type="unknown",outcome="rejected"\} 5/)
      // Each refusal is also counted under its reason class, which together make every refusal.
      const byReason = (reason: string) => Number(new RegExp(`^rewind_commands_rejected_total\\{reason="${reason}"\\} (\\d+)$`, "m").exec(text)?.[1])
      const allRejected = [...text.matchAll(/^rewind_commands_total\{type="[^"]+",outcome="rejected"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0)
      expect(RejectionKinds.reduce((n, k) => n + byReason(k), 0)).toBe(allRejected)
      expect(byReason("edit")).toBe(4) // job.update with JSON, empty and not JSON; job.put
      expect(byReason("unknown_command")).toBe(1)
      expect(byReason("limit")).toBe(1)
      expect(byReason("conflict")).toBe(3) // the second create of "edit-me", two of "same-again"
      expect(byReason("unknown_job")).toBeGreaterThanOrEqual(67) // "ghost" and the burst's missing jobs
      expect(byReason("malformed")).toBeGreaterThanOrEqual(67 + 3) // the burst's "not json", bad UTF-8, the huge payload
      expect(byReason("invalid")).toBeGreaterThanOrEqual(66)
      expect(byReason("infrastructure")).toBe(0)
      // The dead-letter depth, as the metrics show it (read every 5 s), is the stream's.
      const depth = (await deadLetters()).length
      await eventually(async () => {
        const t = await metrics.registry.metrics()
        return new RegExp(`^rewind_dead_letter_messages ${depth}$`, "m").test(t) ? true : undefined
      }, 20_000, `rewind_dead_letter_messages ${depth}`)
    })
  })
})
