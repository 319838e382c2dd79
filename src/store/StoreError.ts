import * as Schema from "effect/Schema"

/** Any failure of the store (ClickHouse unreachable, bad SQL, engine missing…), tagged with the operation. */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  operation: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

export const messageOf = (cause: unknown): string =>
  cause instanceof Error ? cause.message : typeof cause === "string" ? cause : String(cause)
