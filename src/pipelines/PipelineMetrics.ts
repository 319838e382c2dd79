import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** A histogram as the pipelines use it: a timer per observation. */
export interface Timer<L extends string> {
  startTimer(labels: Partial<Record<L, string>>): () => unknown
}

/** A counter as the pipelines use it. */
export interface Counter<L extends string> {
  inc(labels: Partial<Record<L, string>>, value: number): void
}

/**
 * What the pipelines report: per stage, the time of each page; per table, the rows inserted and
 * the time of each insert. The daemon provides it from its Prometheus registry
 * (src/daemon/Metrics.ts); the pipelines depend on nothing above them.
 */
export interface PipelineMetricsShape {
  readonly stageSeconds: Timer<"pipeline" | "stage">
  readonly insertRows: Counter<"table">
  readonly insertSeconds: Timer<"table">
}

export class PipelineMetrics extends Context.Service<PipelineMetrics, PipelineMetricsShape>()("rewind/pipelines/PipelineMetrics") {
  /** Reports nothing (tools and tests that measure nothing). */
  static readonly none = Layer.succeed(PipelineMetrics, {
    stageSeconds: { startTimer: () => () => undefined },
    insertRows: { inc: () => undefined },
    insertSeconds: { startTimer: () => () => undefined }
  })
}

/** Times an effect into a histogram. */
export const timed = <A, E, R, L extends string>(h: Timer<L>, labels: Partial<Record<L, string>>, self: Effect.Effect<A, E, R>) =>
  Effect.suspend(() => {
    const end = h.startTimer(labels)
    return Effect.ensuring(self, Effect.sync(() => void end()))
  })
