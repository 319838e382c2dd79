import type { Consumer, JsMsg } from "@nats-io/jetstream"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { WorkMessage } from "../../domain/workItem.ts"
import { WorkSource } from "../../nats/CommandSource.ts"
import { Nats, natsTry } from "../../nats/Nats.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { JobRunner } from "./JobRunner.ts"
import { detectorCache, runItem } from "./runItem.ts"

const decodeMessage = Schema.decodeUnknownOption(Schema.fromJsonString(WorkMessage))

const settle = (what: string, f: () => void) =>
  Effect.try({ try: f, catch: (e) => e }).pipe(Effect.catch((e) => Effect.logWarning(`could not ${what} a work item`, String(e))))

/**
 * Every daemon's share of the work: `REWIND_JOB_CONCURRENCY` loops, each pulling ONE item at a
 * time from the work queue (nothing is fetched ahead, so an idle daemon gets the next item, not
 * one held in a busy daemon's buffer), running it, and acknowledging it — or offering it again
 * when NATS was away, or at once when the daemon stops.
 */
export const WorkConsumerLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const settings = yield* DaemonSettingsService
    const runner = yield* JobRunner
    const detectorFor = detectorCache()

    const handle = (msg: JsMsg) =>
      Effect.gen(function*() {
        const m = decodeMessage(msg.string())
        if (m._tag === "None") {
          yield* Effect.logWarning("malformed work item dropped", { subject: msg.subject })
          return yield* settle("terminate", () => msg.term())
        }
        const working = settle("extend", () => msg.working())
        const outcome = yield* runItem(m.value, runner.instance, working, detectorFor).pipe(
          Effect.onInterrupt(() => settle("release", () => msg.nak(0)))
        )
        yield* outcome === "later" ? settle("nak", () => msg.nak(5_000)) : settle("ack", () => msg.ack())
      })

    const loop = Effect.gen(function*() {
      const { js, names } = yield* Nats
      let consumer: Consumer | undefined
      let failures = 0
      for (;;) {
        const pulled = yield* Effect.gen(function*() {
          consumer ??= yield* natsTry("opening the work consumer", () => js.consumers.get(names.workStream, names.workConsumer))
          return yield* natsTry("pulling a work item", () => consumer!.next({ expires: 5_000 }))
        }).pipe(Effect.result)
        if (pulled._tag === "Failure") {
          consumer = undefined
          failures++
          if (failures % 10 === 1) yield* Effect.logWarning("work consumer failed; retrying", pulled.failure.message)
          yield* WorkSource.ensure.pipe(Effect.ignore)
          yield* Effect.sleep(Duration.millis(Math.min(500 * 2 ** Math.min(failures, 6), 30_000)))
          continue
        }
        failures = 0
        if (pulled.success !== null) yield* handle(pulled.success)
      }
    })

    for (let k = 0; k < settings.jobConcurrency; k++) yield* Effect.forkScoped(loop)
  })
)
