import * as Schema from "effect/Schema"

/** The job was cancelled (or deleted) while running: stop after the current page. */
export class CancelSignal extends Schema.TaggedError<CancelSignal>()("CancelSignal", {}) {}

/** The job cannot go on as recorded (its pinned model revision is gone, a work item failed). */
export class JobFailure extends Schema.TaggedError<JobFailure>()("JobFailure", { message: Schema.String }) {}

/**
 * Another daemon owns the job (or the work item) now: it took it over after this one's
 * heartbeat went stale, e.g. while this one was paused. This one stops without writing to it.
 */
export class LostOwnership extends Schema.TaggedError<LostOwnership>()("LostOwnership", {
  owner: Schema.optional(Schema.String)
}) {}

/** The job's coordinator stopped the work item (the job was cancelled, failed or deleted). */
export class ItemStopped extends Schema.TaggedError<ItemStopped>()("ItemStopped", {}) {}
