import { Svcm } from "@nats-io/services"
import * as Effect from "effect/Effect"
import { Nats, natsTry } from "../../../nats/Nats.ts"
import { mergeDaemons, type ServiceAnswers } from "../daemons.ts"
import type { TuiState } from "../state.ts"
import type { Store } from "../store.ts"
import { messageOf } from "./streams.ts"

const noResponders = (e: unknown) => /no responders/i.test(messageOf(e)) || (e instanceof Error && e.name === "NoRespondersError")

/** Every answer to one discovery request; none when no service is running. */
const gather = async <T>(ask: () => Promise<AsyncIterable<T>>, onEach: (t: T) => void): Promise<void> => {
  try {
    for await (const answer of await ask()) onEach(answer)
  } catch (e) {
    if (!noResponders(e)) throw e
  }
}

/** `nats micro info/stats/ping rewind`, merged per instance. */
export const discoverDaemons = Effect.gen(function*() {
  const { nc, names } = yield* Nats
  // @nats-io/services bundles its own (compatible) copy of nats-core's types
  const client = new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).client({ strategy: "stall", maxWait: 2000 })
  const answers: { -readonly [K in keyof ServiceAnswers]: Array<ServiceAnswers[K][number]> } = { info: [], stats: [], ping: [] }
  yield* natsTry(`discovering the ${names.serviceName} service`, () => {
    const sent = Date.now()
    return Promise.all([
      gather(() => client.ping(names.serviceName), (p) => answers.ping.push({ ...p, rttMs: Date.now() - sent })),
      gather(() => client.info(names.serviceName), (i) => answers.info.push(i)),
      gather(() => client.stats(names.serviceName), (s) => answers.stats.push(s))
    ])
  })
  return mergeDaemons(answers, names.prefix, Date.now())
})

export const pollDaemons = (store: Store<TuiState>, refreshMs: number) =>
  discoverDaemons.pipe(
    Effect.tap((list) => Effect.sync(() => store.update((s) => ({ ...s, daemons: { list, polledAt: Date.now() } })))),
    Effect.catch((e) => Effect.sync(() => store.update((s) => ({ ...s, daemons: { ...s.daemons, error: messageOf(e) } })))),
    Effect.andThen(Effect.sleep(Math.max(refreshMs, 2000))),
    Effect.forever
  )
