import * as Schema from "effect/Schema"

/**
 * Why a command was refused, as a bounded class (the `reason` label of
 * `rewind_commands_rejected_total`; the refusal's own words stay in the dead letter and the event):
 * - `malformed`: not UTF-8, not JSON, not an object, over the size limit;
 * - `invalid`: a field the schema or the model refuses (unknown program, inverted dates…);
 * - `unknown_command`: a subject that is no command; `edit`: an attempt to modify a job;
 * - `unknown_job`: cancel, delete or retry of a job that does not exist;
 * - `conflict`: the id exists already, or the job's state does not allow it;
 * - `limit`: a scope over the per-job limit;
 * - `unavailable`: the daemon cannot do it now (recovery not configured, no topic model yet,
 *   nothing to recover yet);
 * - `infrastructure`: still failing after the retries (store or NATS down).
 */
export const RejectionKinds = [
  "malformed", "invalid", "unknown_command", "edit", "unknown_job", "conflict", "limit", "unavailable", "infrastructure"
] as const
export type RejectionKind = (typeof RejectionKinds)[number]

/** A command refused for a reason the sender can fix. Goes to the dead-letter stream. */
export class Rejected extends Schema.TaggedError<Rejected>()("Rejected", {
  reason: Schema.String,
  field: Schema.optional(Schema.String),
  /** Default `invalid`. */
  kind: Schema.optional(Schema.Literals(RejectionKinds))
}) {}

/** A query that cannot be answered as asked (maps to an API error code). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", { message: Schema.String }) {}
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", { message: Schema.String }) {}
