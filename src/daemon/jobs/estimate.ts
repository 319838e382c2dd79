import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { monthOf, type QuotaImpact, quotaImpact } from "../../domain/quota.ts"
import type { Scope } from "../../domain/scope.ts"
import type { TopicModelRevision } from "../../domain/topicModel.ts"
import { ModelRepo } from "../../repos/ModelRepo.ts"
import { InteractionStore } from "../../store/InteractionStore.ts"
import { UsageStore } from "../../store/UsageStore.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { Rejected } from "./errors.ts"

export interface Estimate {
  /** Exact number of interactions in scope now. */
  readonly interactionCount: number
  readonly limit: number
  readonly exceedsLimit: boolean
  readonly modelRevision: number
  readonly scopeTopicCount: number
  readonly quota: QuotaImpact
}

/** The current model, or a refusal saying how to push one. */
export const currentModel = Effect.gen(function*() {
  const models = yield* ModelRepo
  const current = yield* models.current()
  if (Option.isNone(current)) {
    return yield* new Rejected({
      kind: "unavailable",
      reason: "no topic model has been pushed yet: run `rewind topics push FILE` first",
      field: "programs"
    })
  }
  return current.value
})

/** Refuses program ids the model does not know (field `programs`). */
export const checkPrograms = (model: TopicModelRevision, programs: ReadonlyArray<string>) => {
  const known = new Set(model.model.programs.map((p) => p.id))
  const unknown = programs.filter((p) => !known.has(p))
  return unknown.length === 0
    ? Effect.void
    : Effect.fail(
      new Rejected({
        reason: `unknown program${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => JSON.stringify(u)).join(", ")} ` +
          `(model revision ${model.revision} has: ${[...known].slice(0, 20).join(", ")}${known.size > 20 ? ", …" : ""})`,
        field: "programs"
      })
    )
}

export const scopeTopicCount = (model: TopicModelRevision, programs: ReadonlyArray<string>): number => {
  const set = new Set<string>()
  for (const p of model.model.programs) if (programs.includes(p.id)) for (const t of p.topics) set.add(t)
  return set.size
}

/** Exact in-scope count and quota impact of a prospective job. */
export const estimate = Effect.fn("Jobs.estimate")(function*(scope: Scope) {
  const settings = yield* DaemonSettingsService
  const model = yield* currentModel
  yield* checkPrograms(model, scope.programs)
  const store = yield* InteractionStore
  const usage = yield* UsageStore
  const month = monthOf(Date.now())
  const [count, used] = yield* Effect.all([store.countInScope(scope), usage.usedInMonth(month)], { concurrency: 2 })
  return {
    interactionCount: count,
    limit: settings.maxJobInteractions,
    exceedsLimit: count > settings.maxJobInteractions,
    modelRevision: model.revision,
    scopeTopicCount: scopeTopicCount(model, scope.programs),
    quota: quotaImpact(count, used, month, { agents: settings.quotaAgents, billingEnabled: settings.billingEnabled })
  } satisfies Estimate
})

export const limitMessage = (count: number, limit: number) =>
  `the scope holds ${count.toLocaleString("en-US")} interactions, over the limit of ` +
  `${limit.toLocaleString("en-US")} per job: narrow the date range, programs, media types or filters ` +
  `(or split it into several jobs)`
