import * as Schema from "effect/Schema"

/** The platform refused our credentials, or a fresh token was refused too (401 twice). */
export class PlatformAuthError extends Schema.TaggedError<PlatformAuthError>()("PlatformAuthError", {
  message: Schema.String,
  status: Schema.optional(Schema.Number)
}) {}

/**
 * The platform answered with an error we do not retry (4xx other than 401/408/429), with its
 * `{status, code, message, contextId}`.
 */
export class PlatformResponseError extends Schema.TaggedError<PlatformResponseError>()("PlatformResponseError", {
  message: Schema.String,
  endpoint: Schema.String,
  status: Schema.Number,
  code: Schema.optional(Schema.String),
  contextId: Schema.optional(Schema.String)
}) {}

/**
 * The answer does not have the expected shape; `message` names the field. `attempts`: a successful
 * answer whose body was not JSON every time it was asked (cut short on the way, or not the
 * platform's), given up after the retries — what came back, not what the platform says.
 */
export class PlatformDecodeError extends Schema.TaggedError<PlatformDecodeError>()("PlatformDecodeError", {
  message: Schema.String,
  endpoint: Schema.String,
  attempts: Schema.optional(Schema.Number)
}) {}

/**
 * A well-formed answer without the content asked for: a text recording answered with only a
 * download link (`mediaUris`) instead of its inline transcript.
 */
export class PlatformContentError extends Schema.TaggedError<PlatformContentError>()("PlatformContentError", {
  message: Schema.String,
  endpoint: Schema.String
}) {}

/** The platform could not be reached, or kept failing (5xx, timeouts, 429) after the bounded retries. */
export class PlatformUnavailableError extends Schema.TaggedError<PlatformUnavailableError>()("PlatformUnavailableError", {
  message: Schema.String,
  endpoint: Schema.String,
  attempts: Schema.Number,
  cause: Schema.optional(Schema.Defect())
}) {}

export type PlatformError =
  | PlatformAuthError
  | PlatformResponseError
  | PlatformDecodeError
  | PlatformContentError
  | PlatformUnavailableError
