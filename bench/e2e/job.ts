/**
 * E2E phase 3 (own process): the daemon (command consumer, job runner, API) on the embedded
 * store at DATA_DIR and the nats-server at NATS_URL; push the model, publish one reprocessing
 * job over the whole scope, wait for it to end. Measures from the command's publication to the
 * job's completion, and where the pipeline's time went (its stage histograms).
 */
import { Effect, Layer, References } from "effect"
import { publishCommand } from "../../src/client/natsClient.ts"
import type { Job } from "../../src/domain/job.ts"
import { daemonCoreLayer } from "../../src/daemon/main.ts"
import { Metrics } from "../../src/daemon/Metrics.ts"
import { requestApi } from "../../src/nats/Service.ts"
import { ModelRepo } from "../../src/repos/ModelRepo.ts"
import { ClickHouse } from "../../src/store/ClickHouse.ts"
import { e2eModel, e2eScope, emit, log, measure, settingsFor } from "./common.ts"

const [dataDir, countArg, pageSizeArg, natsUrl] = process.argv.slice(2)
const count = Number(countArg)
const pageSize = Number(pageSizeArg)

/** Sum and count of a prom-client histogram, per label value of `label`. */
const sums = async (h: { get(): Promise<{ values: Array<{ metricName?: string; labels: Record<string, string | number>; value: number }> }> }, label: string) => {
  const out: Record<string, { seconds: number; count: number }> = {}
  for (const v of (await h.get()).values) {
    const key = String(v.labels[label] ?? "")
    const e = (out[key] ??= { seconds: 0, count: 0 })
    if (v.metricName?.endsWith("_sum")) e.seconds = Math.round(v.value * 100) / 100
    if (v.metricName?.endsWith("_count")) e.count = v.value
  }
  return out
}

const program = Effect.gen(function*() {
  const prefix = `bench${Date.now().toString(36)}`
  const settings = yield* settingsFor({ dataDir: dataDir!, natsUrl: natsUrl!, prefix, pageSize })
  const model = e2eModel()
  const scope = e2eScope(model, count)
  const result = yield* Effect.gen(function*() {
    const rev = yield* (yield* ModelRepo).push(model, "bench")
    const metrics = yield* Metrics
    const done = measure((yield* ClickHouse).readBusy)
    const jobId = "bench-e2e"
    yield* publishCommand("job.create", { ...scope, name: "bench e2e", jobId, createdBy: "bench" })
    let job: Job | undefined
    let lastLog = 0
    for (;;) {
      yield* Effect.sleep("250 millis")
      job = (yield* requestApi("job.get", { jobId }).pipe(Effect.orElseSucceed(() => undefined))) as Job | undefined
      if (job === undefined) continue
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now()
        log(`job ${job.jobStatus}: ${job.processedInteractionsCount.toLocaleString("en-US")} / ${job.totalInteractionsCount.toLocaleString("en-US")}`)
      }
      // Every interaction processed: the pipeline is done (the job still records usage and writes its export).
      if (job.totalInteractionsCount > 0 && job.processedInteractionsCount >= job.totalInteractionsCount) done.mark()
      if (job.jobStatus === "Completed" || job.jobStatus === "Failed" || job.jobStatus === "Cancelled") break
    }
    const measured = done()
    return {
      modelRevision: rev.revision,
      topics: model.topics.length,
      phrases: model.topics.reduce((n, t) => n + t.phrases.length, 0),
      status: job.jobStatus,
      error: job.errorMessage,
      total: job.totalInteractionsCount,
      processed: job.processedInteractionsCount,
      updated: job.updatedInteractionsCount,
      unchanged: job.unchangedInteractionsCount,
      failed: job.failedInteractionsCount,
      interactionsPerSec: Math.round(job.processedInteractionsCount / measured.seconds),
      stages: yield* Effect.promise(() => sums(metrics.stageSeconds as never, "stage")),
      inserts: yield* Effect.promise(() => sums(metrics.insertSeconds as never, "table")),
      ...measured
    }
  }).pipe(Effect.provide(daemonCoreLayer(settings)))
  emit(result)
})

await Effect.runPromise(program.pipe(Effect.provide(Layer.succeed(References.MinimumLogLevel, "Error"))))
process.exit(0)
