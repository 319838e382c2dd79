import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { errorText } from "../domain/errorText.ts"
import { JobExportQuery, JobIdQuery, JobListQuery, RecoveryListQuery, RunIdQuery } from "../domain/contract.ts"
import type { RecoveryRun } from "../domain/recovery.ts"
import { RecoveryRepo } from "../repos/RecoveryRepo.ts"
import { JobEstimateRequest, JobPreviewRequest } from "../domain/job.ts"
import { pageJobs } from "../domain/jobList.ts"
import { decodeStrict } from "../domain/validation.ts"
import { Nats } from "../nats/Nats.ts"
import { ApiError, type Endpoint, serveApi } from "../nats/Service.ts"
import { JobRepo } from "../repos/JobRepo.ts"
import { ModelRepo } from "../repos/ModelRepo.ts"
import { InteractionStore } from "../store/InteractionStore.ts"
import type { JobResultStore } from "../store/JobResultStore.ts"
import { UsageStore } from "../store/UsageStore.ts"
import { DaemonSettingsService } from "./DaemonSettingsService.ts"
import { estimate } from "./jobs/estimate.ts"
import { publicJob } from "./jobs/events.ts"
import { NotFound } from "./jobs/errors.ts"
import { exportWithPrevious } from "./jobs/exportWithPrevious.ts"
import { preview } from "./jobs/preview.ts"
import { JobRunner } from "./jobs/JobRunner.ts"
import { Metrics } from "./Metrics.ts"
import { Overview } from "./overview.ts"
import { version } from "./version.ts"



const decodeOr400 = <S extends Schema.Decoder<unknown>>(schema: S) => {
  const decode = decodeStrict(schema)
  return (body: unknown): Effect.Effect<S["Type"], ApiError> => {
    const r = decode(body ?? {})
    return Result.isSuccess(r) ? Effect.succeed(r.success) : Effect.fail(new ApiError({ code: 400, message: r.failure.reason }))
  }
}

const publicRun = ({ owner: _o, heartbeatAt: _h, ...run }: RecoveryRun) => run

const infra = (e: { readonly message: string }) => new ApiError({ code: 503, message: `temporarily unavailable: ${e.message}` })

/** The `rewind` service's query endpoints (`rewind.api.*`). */
export const ApiLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const nats = yield* Nats
    const repo = yield* JobRepo
    const models = yield* ModelRepo
    const runner = yield* JobRunner
    const recoveries = yield* RecoveryRepo
    const metrics = yield* Metrics
    const overview = yield* Overview
    const context = yield* Effect.context<ModelRepo | DaemonSettingsService | InteractionStore | UsageStore | JobResultStore | JobRepo | Nats>()
    const startedAt = new Date()

    const getJob = (jobId: string) =>
      repo.get(jobId).pipe(
        Effect.mapError(infra),
        Effect.flatMap(Option.match({
          onNone: () => Effect.fail(new ApiError({ code: 404, message: `no job with id ${JSON.stringify(jobId)}` })),
          onSome: Effect.succeed
        }))
      )

    const endpoints: Array<Endpoint> = [
      {
        name: "job.preview",
        handler: (body) =>
          decodeOr400(JobPreviewRequest)(body).pipe(
            Effect.flatMap((req) => preview(req)),
            Effect.catchTag("Rejected", (r) => Effect.fail(new ApiError({ code: 400, message: r.field ? `${r.field}: ${r.reason}` : r.reason }))),
            Effect.catchTags({ NatsError: infra, StoreError: infra }),
            Effect.provide(context)
          )
      },
      {
        name: "job.estimate",
        handler: (body) =>
          decodeOr400(JobEstimateRequest)(body).pipe(
            Effect.flatMap((req) => estimate(req)),
            Effect.catchTag("Rejected", (r) => Effect.fail(new ApiError({ code: 400, message: r.field ? `${r.field}: ${r.reason}` : r.reason }))),
            Effect.catchTags({ NatsError: infra, StoreError: infra }),
            Effect.provide(context)
          )
      },
      {
        name: "job.get",
        handler: (body) => decodeOr400(JobIdQuery)(body).pipe(Effect.flatMap((q) => getJob(q.jobId)), Effect.map(publicJob))
      },
      {
        name: "job.list",
        handler: (body) =>
          decodeOr400(JobListQuery)(body).pipe(
            Effect.flatMap((q) =>
              repo.list().pipe(
                Effect.mapError(infra),
                Effect.map((jobs) => {
                  const page = pageJobs(jobs, q)
                  const entities = page.entities.map(publicJob)
                  return { ...page, entities, jobs: entities }
                })
              )
            )
          )
      },
      {
        name: "job.export",
        handler: (body) =>
          decodeOr400(JobExportQuery)(body).pipe(
            Effect.flatMap((q) =>
              getJob(q.jobId).pipe(
                Effect.flatMap((job) =>
                  job.jobStatus !== "Completed" || job.export === undefined
                    ? Effect.fail(
                      new ApiError({
                        code: 409,
                        message: `the export of job ${JSON.stringify(job.id)} is available once the job is Completed (it is ${job.jobStatus})`
                      })
                    )
                    : q.withPrevious === true
                    ? exportWithPrevious(job).pipe(
                      Effect.map((info) => ({ jobId: job.id, ...info })),
                      Effect.mapError((e) =>
                        e instanceof NotFound ? new ApiError({ code: 409, message: e.message }) : infra({ message: errorText(e) })
                      ),
                      Effect.provide(context)
                    )
                    : Effect.succeed({ jobId: job.id, ...job.export })
                )
              )
            )
          )
      },
      {
        name: "recovery.list",
        handler: (body) =>
          decodeOr400(RecoveryListQuery)(body).pipe(
            Effect.flatMap((q) =>
              Effect.all([recoveries.list(), recoveries.watermark()]).pipe(
                Effect.mapError(infra),
                Effect.map(([runs, mark]) => {
                  const selected = runs.filter((r) => q.status === undefined || r.status === q.status)
                  return {
                    total: selected.length,
                    runs: selected.slice(-(q.limit ?? 100)).map(publicRun),
                    watermark: Option.getOrNull(mark)
                  }
                })
              )
            )
          )
      },
      {
        name: "recovery.get",
        handler: (body) =>
          decodeOr400(RunIdQuery)(body).pipe(
            Effect.flatMap((q) =>
              recoveries.get(q.runId).pipe(
                Effect.mapError(infra),
                Effect.flatMap(Option.match({
                  onNone: () => Effect.fail(new ApiError({ code: 404, message: `no recovery run with id ${JSON.stringify(q.runId)}` })),
                  onSome: (r) => Effect.succeed(publicRun(r))
                }))
              )
            )
          )
      },
      {
        name: "status",
        handler: () =>
          Effect.gen(function*() {
            const current = yield* models.current().pipe(Effect.mapError(infra))
            return {
              service: "rewind",
              version,
              instance: runner.instance,
              prefix: nats.names.prefix,
              startedAt: startedAt.toISOString(),
              uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
              runningJobs: yield* runner.running,
              jobs: yield* runner.activity,
              modelRevision: Option.match(current, { onNone: () => null, onSome: (m) => m.revision }),
              overview: yield* overview.figures
            }
          })
      }
    ]
    const counted = endpoints.map((e): Endpoint => ({
      name: e.name,
      handler: (body) =>
        e.handler(body).pipe(
          Effect.tap(() => Effect.sync(() => metrics.apiRequests.inc({ endpoint: e.name, outcome: "ok" }))),
          Effect.tapError(() => Effect.sync(() => metrics.apiRequests.inc({ endpoint: e.name, outcome: "error" })))
        )
    }))
    yield* serveApi({ version, description: "Rewind: topic reprocessing and interaction recovery", endpoints: counted })
  })
)
