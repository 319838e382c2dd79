import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { diffModels, type ModelDiff } from "../domain/modelDiff.ts"
import type { TopicModel, TopicModelRevision } from "../domain/topicModel.ts"
import { publishEvent } from "../nats/Events.ts"
import { ModelRepo } from "./ModelRepo.ts"

/**
 * Stores a new revision of the topic model and announces it on `<prefix>.evt.model.pushed`
 * with what changed since the revision before (topics added, removed and changed, programs
 * changed, and the programs whose detection differs). The event is best effort: the revision
 * is stored either way, and a daemon that reprocesses automatically reads the revisions, not
 * the event.
 */
export const pushModel = Effect.fn("Models.push")(function*(model: TopicModel, pushedBy: string) {
  const repo = yield* ModelRepo
  const previous = yield* repo.current()
  const revision: TopicModelRevision = yield* repo.push(model, pushedBy)
  const diff: ModelDiff = diffModels(Option.getOrUndefined(Option.map(previous, (p) => p.model)), model)
  yield* publishEvent("model.pushed", {
    type: "pushed",
    at: revision.pushedAt,
    revision: revision.revision,
    previousRevision: Option.match(previous, { onNone: () => null, onSome: (p) => p.revision }),
    pushedBy,
    diff
  }).pipe(Effect.catch((e) => Effect.logWarning("model.pushed event not published", { error: e.message })))
  return { revision, diff }
})
