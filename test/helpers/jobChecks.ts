import { Effect, Option } from "effect"
import { expect } from "vitest"
import { exportCsv } from "../../src/domain/csv.ts"
import type { Job } from "../../src/domain/job.ts"
import type { TopicModel } from "../../src/domain/topicModel.ts"
import { getExport } from "../../src/nats/Exports.ts"
import { Nats } from "../../src/nats/Nats.ts"
import { requestApi } from "../../src/nats/Service.ts"
import { ClickHouse } from "../../src/store/ClickHouse.ts"
import { InteractionStore } from "../../src/store/InteractionStore.ts"
import { noCounts } from "../../src/domain/workItem.ts"
import { JobRepo } from "../../src/repos/JobRepo.ts"
import { WorkItemRepo } from "../../src/repos/WorkItemRepo.ts"
import { eventually } from "./daemon.ts"
import type { ExpectedJob } from "./expected.ts"

/** Runs an effect in a test daemon's runtime. */
export type RunIn = <A, E>(e: Effect.Effect<A, E, any>) => Promise<A>

/** The job's record as the KV holds it (internal fields too); undefined when there is none. */
export const jobRecord = (run: RunIn, jobId: string) =>
  run(Effect.gen(function*() { return yield* (yield* JobRepo).get(jobId) })).then(Option.getOrUndefined)

/**
 * Item 0 of `jobId`, leased by a worker the test plays: the job's (one-item) plan keeps it, so no
 * daemon runs it and the job stays InProgress until the test lets it go.
 */
export const holdWorkItem = (run: RunIn, jobId: string) =>
  run(Effect.gen(function*() {
    return yield* (yield* WorkItemRepo).create({
      jobId,
      item: 0,
      pageSize: 10,
      writeBatchPages: 1,
      counts: noCounts,
      done: false,
      worker: "test-worker",
      heartbeatAt: new Date().toISOString()
    })
  }))

/** Waits until the job's record satisfies `ok` (e.g. some progress, or an end). */
export const jobWhen = (run: RunIn, jobId: string, ok: (j: Job) => boolean, what: string, timeoutMs = 90_000) =>
  eventually(async () => {
    const j = await jobRecord(run, jobId)
    return j !== undefined && ok(j) ? j : undefined
  }, timeoutMs, `${jobId}: ${what}`)

/**
 * A job's events (`rewind.evt.job.<id>`) seen on the connection of `run`'s runtime, which
 * resubscribes after a reconnect: the events and their types in order; `firstProgress(timeoutMs)`,
 * the job as the first `progress` event with some interactions processed carries it; and
 * `seen(type, timeoutMs)`, which waits for an event of that type. Events come as each page is
 * counted, where polls of the job's record can miss a short run whole (a fast host ran a job of
 * ≈ 300 interactions between two 100 ms polls). The daemon writes the record before it publishes
 * the event, so a test that saw the record end waits with `seen("completed")` before it stops
 * listening. Subscribe before publishing the job.
 */
export const jobEvents = async (run: RunIn, jobId: string) => {
  type Event = { type: string; job: Job }
  const nats = await run(Effect.gen(function*() { return yield* Nats }))
  const events: Array<Event> = []
  const types: Array<string> = []
  const waiters = new Set<{ ok: (e: Event) => boolean; resolve: (job: Job) => void }>()
  const sub = nats.nc.subscribe(nats.names.evt(`job.${jobId}`), {
    callback: (_e, m) => {
      const event = m.json<Event>()
      events.push(event)
      types.push(event.type)
      for (const w of waiters) if (w.ok(event)) w.resolve(event.job)
    }
  })
  /** The job as the first event that passes `ok` carries it, as soon as it arrives. */
  const first = (what: string, ok: (e: Event) => boolean, timeoutMs: number): Promise<Job> => {
    const already = events.find(ok)
    if (already !== undefined) return Promise.resolve(already.job)
    let timer: ReturnType<typeof setTimeout> | undefined
    let waiter: { ok: (e: Event) => boolean; resolve: (job: Job) => void } | undefined
    return Promise.race([
      new Promise<Job>((resolve) => waiters.add(waiter = { ok, resolve })),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${jobId}: no ${what} in ${timeoutMs / 1000} s`)), timeoutMs)))
    ]).finally(() => {
      clearTimeout(timer)
      if (waiter !== undefined) waiters.delete(waiter)
    })
  }
  const firstProgress = (timeoutMs = 90_000) =>
    first("progress event", (e) => e.type === "progress" && e.job.processedInteractionsCount > 0, timeoutMs)
  const seen = (type: string, timeoutMs = 30_000) => first(`${type} event`, (e) => e.type === type, timeoutMs)
  return { events, types, firstProgress, seen, stop: () => sub.unsubscribe() }
}

/** Waits until the job is in one of `statuses`. */
export const jobReaching = (run: RunIn, jobId: string, statuses: ReadonlyArray<string>, timeoutMs = 90_000) =>
  jobWhen(run, jobId, (j) => statuses.includes(j.jobStatus), `to reach ${statuses.join("/")}`, timeoutMs)

/** Every media type: a scope that selects by date range only. */
export const allMedia: Array<"voice" | "callback" | "chat" | "email" | "message"> = ["voice", "callback", "chat", "email", "message"]

/** Rows of the store's block topics (every version), read plainly. */
export const storedTopicRows = (run: RunIn) =>
  run(Effect.gen(function*() {
    const ch = yield* ClickHouse
    return yield* Effect.promise(async () =>
      Number(((await (await ch.client.query({ query: `SELECT count() AS n FROM ${ch.database}.block_topics`, format: "JSONEachRow" })).json()) as Array<{ n: string }>)[0]!.n))
  }))

/**
 * Each attempt of a test its job id and `k` (its 3-day scope): the first attempt the test's own,
 * a later one (CI tries a timed-out test once more) a new id and a spare scope no attempt has
 * touched — the first attempt's job may have run, so its id is taken and its interactions changed,
 * and the test could never pass again on them.
 */
export const attemptScopes = (spares: ReadonlyArray<number>) => {
  const tried = new Map<string, number>()
  const free = [...spares]
  return (jobId: string, k: number): { readonly jobId: string; readonly k: number } => {
    const n = tried.get(jobId) ?? 0
    tried.set(jobId, n + 1)
    if (n === 0) return { jobId, k }
    const spare = free.shift()
    if (spare === undefined) throw new Error(`no spare scope left for attempt ${n + 1} of ${jobId}`)
    return { jobId: `${jobId}-${n + 1}`, k: spare }
  }
}

/**
 * The `k`-th of disjoint 3-day scopes from 2026-01-01 (every program, every media type): jobs on
 * different `k` touch different interactions, so each has its own prediction.
 */
export const threeDayScope = (model: TopicModel, k: number) => ({
  dateStart: `2026-01-${String(1 + 3 * k).padStart(2, "0")}T00:00:00Z`,
  dateEnd: `2026-01-${String(4 + 3 * k).padStart(2, "0")}T00:00:00Z`,
  programs: model.programs.map((p) => p.id),
  mediaTypes: allMedia
})

/** Rows of the job's results and topic rows, read with FINAL: equal to their distinct keys when nothing is duplicated. */
export const storedRowCounts = (run: RunIn, jobId: string) =>
  run(Effect.gen(function*() {
    const ch = yield* ClickHouse
    const q = async (query: string) =>
      (await (await ch.client.query({ query, query_params: { job: jobId }, format: "JSONEachRow" })).json()) as Array<Record<string, string>>
    const [results, topics] = yield* Effect.promise(() =>
      Promise.all([
        q(`SELECT count() AS n, uniqExact(interaction_id) AS u FROM ${ch.database}.job_results FINAL WHERE job_id = {job:String}`),
        q(`SELECT count() AS n, uniqExact(interaction_id, transcript_id, block_index, topic_id, version) AS u
            FROM ${ch.database}.block_topics FINAL WHERE job_id = {job:String}`)
      ]))
    return {
      results: { rows: Number(results[0]!["n"]), unique: Number(results[0]!["u"]) },
      topics: { rows: Number(topics[0]!["n"]), unique: Number(topics[0]!["u"]) }
    }
  }))

/**
 * A finished job equals an undisturbed run's, as the independent computation predicts it:
 * counts, export (byte for byte), every in-scope block's final topics, and no duplicate rows.
 */
export const expectUndisturbedOutcome = async (run: RunIn, job: Job, expected: ExpectedJob, model: TopicModel) => {
  expect(job.jobStatus).toBe("Completed")
  expect({
    total: job.totalInteractionsCount,
    processed: job.processedInteractionsCount,
    updated: job.updatedInteractionsCount,
    unchanged: job.unchangedInteractionsCount,
    failed: job.failedInteractionsCount
  }).toEqual({
    total: expected.total,
    processed: expected.total,
    updated: expected.counts.updated,
    unchanged: expected.counts.unchanged,
    failed: expected.counts.failed
  })

  const info = await run(requestApi("job.export", { jobId: job.id })) as { name: string; rows: number }
  expect(info.rows).toBe(expected.impacted.size)
  const csv = new TextDecoder().decode(Option.getOrThrow(await run(getExport(info.name))))
  const names = new Map(model.topics.map((t) => [t.id, t.name]))
  const rows = [...expected.impacted.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([interactionId, newTopics]) => ({ interactionId, newTopics }))
  expect(csv).toBe(exportCsv(rows, (id) => names.get(id) ?? id))

  const ids = [...new Set([...expected.finalTopics.keys()].map((k) => k.split("\u0000")[0]!))]
  const topicRows = await run(Effect.gen(function*() { return yield* (yield* InteractionStore).currentTopics(ids) }))
  const actual = new Map<string, Array<string>>()
  for (const r of topicRows) {
    const k = `${r.interactionId}\u0000${r.transcriptId}\u0000${r.blockIndex}`
    actual.set(k, [...(actual.get(k) ?? []), r.topicId].sort())
  }
  expect(actual).toEqual(new Map([...expected.finalTopics].map(([k, v]) => [k, [...v]])))

  const stored = await storedRowCounts(run, job.id)
  expect(stored.results).toEqual({ rows: expected.total, unique: expected.total })
  expect(stored.topics.rows).toBe(stored.topics.unique)
  expect(stored.topics.rows).toBeGreaterThan(0)
}
