import { headers } from "@nats-io/transport-node"
import * as Effect from "effect/Effect"
import type { WorkMessage } from "../domain/workItem.ts"
import { Nats, natsTry } from "./Nats.ts"

/**
 * Offers a job's item on the work queue (`<prefix>.work.<jobId>`). `round` tells offers apart
 * for the stream's duplicate window: the same round offered twice (a retried publish) is stored
 * once; a new round (a coordinator taking over, a retry) offers the item again.
 */
export const offerItem = (m: WorkMessage, round: string) =>
  Effect.gen(function*() {
    const { js, names } = yield* Nats
    const h = headers()
    h.set("Nats-Msg-Id", `${m.jobId}.${m.item}.${round}`)
    yield* natsTry(`offering work item ${m.jobId}.${m.item}`, () =>
      js.publish(names.workSubject(m.jobId), JSON.stringify(m), { headers: h }))
  })

/** Drops a job's items still waiting in the work queue (cancelled, failed or deleted). */
export const dropItems = (jobId: string) =>
  Effect.gen(function*() {
    const { jsm, names } = yield* Nats
    yield* natsTry(`dropping the work items of ${jobId}`, () => jsm.streams.purge(names.workStream, { filter: names.workSubject(jobId) }))
  })
