import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import {
  type ConsumerBacklog,
  countJobs,
  type JobProgress,
  keepWindow,
  lagSeconds,
  type Overview as OverviewFigures,
  type ProgressSample,
  progressRate,
  progressSample,
  runningFigures,
  type SharedConsumer
} from "../domain/overview.ts"
import { IngestWatermark } from "../domain/recovery.ts"
import { jsonKv } from "../nats/JsonKv.ts"
import { Nats, natsTry } from "../nats/Nats.ts"
import { JobRepo } from "../repos/JobRepo.ts"
import { RecoveryRepo } from "../repos/RecoveryRepo.ts"
import { NatsLink } from "./natsLink.ts"

/** How often the figures are read, and how far back the rate looks. */
export const OverviewPollMillis = 5_000
const RateWindowMillis = 60_000

/** The last reading: cluster-wide, from the KV buckets and the streams. A part that could not be read keeps its last value. */
export interface OverviewReading {
  readonly at: number
  readonly jobs: ReadonlyArray<JobProgress>
  readonly consumers: Readonly<Partial<Record<SharedConsumer, ConsumerBacklog>>>
  readonly deadLetters: number | undefined
  readonly watermark: string | undefined
  readonly ingestWatermark: string | undefined
  /** Interactions processed per second over the last minute, every job together. */
  readonly interactionsPerSecond: number | undefined
}

/**
 * The key figures (src/domain/overview.ts), read every 5 s from NATS: every job's record, the
 * shared consumers' backlog, the dead-letter depth, the watermarks. `rewind.api.status` answers
 * with them and the metrics (overviewMetrics.ts) show them, so the dashboard and `rewind status`
 * say the same. Every daemon reads the same figures: the dashboard takes their `max`.
 */
export class Overview extends Context.Service<Overview, {
  /** The last reading (synchronous: metrics read it at each scrape). */
  readonly latest: () => OverviewReading
  /** The figures as `rewind.api.status` gives them. */
  readonly figures: Effect.Effect<OverviewFigures>
}>()("rewind/daemon/Overview") {
  static readonly layer = Layer.effect(
    Overview,
    Effect.gen(function*() {
      const { jsm, names } = yield* Nats
      const jobs = yield* JobRepo
      const recovery = yield* RecoveryRepo
      const link = yield* NatsLink
      const ingestMarks = yield* jsonKv(names.recoveryBucket, IngestWatermark)
      const consumers: ReadonlyArray<{ readonly label: SharedConsumer; readonly stream: string; readonly durable: string }> = [
        { label: "commands", stream: names.cmdStream, durable: names.cmdConsumer },
        { label: "work", stream: names.workStream, durable: names.workConsumer },
        { label: "ingest", stream: names.ingestStream, durable: names.ingestConsumer }
      ]
      let reading: OverviewReading = {
        at: Date.now(),
        jobs: [],
        consumers: {},
        deadLetters: undefined,
        watermark: undefined,
        ingestWatermark: undefined,
        interactionsPerSecond: undefined
      }
      let samples: ReadonlyArray<ProgressSample> = []

      /** A part of the reading, or None when NATS did not answer it. */
      const part = <A, E>(e: Effect.Effect<A, E>) => Effect.option(e)

      const read = Effect.gen(function*() {
        const [listed, backlog, dlq, mark, ingestMark] = yield* Effect.all([
          part(jobs.list()),
          Effect.forEach(consumers, (c) =>
            part(natsTry(`reading the ${c.label} consumer`, () => jsm.consumers.info(c.stream, c.durable))).pipe(
              Effect.map(Option.map((i): readonly [SharedConsumer, ConsumerBacklog] =>
                [c.label, { pending: i.num_pending, ackPending: i.num_ack_pending, redelivered: i.num_redelivered }]))
            )),
          part(natsTry("reading the dead-letter stream", () => jsm.streams.info(names.dlqStream))),
          part(recovery.watermark()),
          part(ingestMarks.get("ingest-watermark"))
        ], { concurrency: "unbounded" })
        const at = Date.now()
        const jobsNow = Option.getOrElse(listed, () => reading.jobs)
        if (Option.isSome(listed)) samples = keepWindow(samples, progressSample(at, jobsNow), RateWindowMillis)
        const first = samples[0]
        const last = samples.at(-1)
        reading = {
          at,
          jobs: jobsNow,
          consumers: { ...reading.consumers, ...Object.fromEntries(backlog.flatMap((b) => (Option.isSome(b) ? [b.value] : []))) },
          deadLetters: Option.match(dlq, { onNone: () => reading.deadLetters, onSome: (i) => i.state.messages }),
          watermark: Option.match(mark, { onNone: () => reading.watermark, onSome: (m) => Option.getOrUndefined(m)?.at }),
          ingestWatermark: Option.match(ingestMark, { onNone: () => reading.ingestWatermark, onSome: (m) => Option.getOrUndefined(m)?.value.at }),
          interactionsPerSecond: first !== undefined && last !== undefined ? progressRate(first, last) : undefined
        }
      })
      yield* read
      yield* read.pipe(Effect.repeat(Schedule.spaced(OverviewPollMillis)), Effect.forkScoped)

      const figures = Effect.gen(function*() {
        const r = reading
        const now = Date.now()
        const backlog = (c: SharedConsumer) => r.consumers[c] ?? null
        return {
          at: new Date(r.at).toISOString(),
          jobs: countJobs(r.jobs),
          running: runningFigures(r.jobs, r.interactionsPerSecond),
          deadLetters: r.deadLetters ?? null,
          backlog: { commands: backlog("commands"), work: backlog("work"), ingest: backlog("ingest") },
          recovery: {
            watermark: r.watermark ?? null,
            watermarkLagSeconds: lagSeconds(r.watermark, now),
            ingestWatermark: r.ingestWatermark ?? null,
            ingestLagSeconds: lagSeconds(r.ingestWatermark, now)
          },
          nats: { connected: yield* link.connected, disconnects: yield* link.disconnects }
        } satisfies OverviewFigures
      })
      return Overview.of({ latest: () => reading, figures })
    })
  )
}
