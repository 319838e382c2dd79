import { Schema } from "effect"

/** A command refused for a reason the sender can fix. Goes to the dead-letter stream. */
export class Rejected extends Schema.TaggedError<Rejected>()("Rejected", {
  reason: Schema.String,
  field: Schema.optional(Schema.String)
}) {}

/** A query that cannot be answered as asked (maps to an API error code). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", { message: Schema.String }) {}
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", { message: Schema.String }) {}
