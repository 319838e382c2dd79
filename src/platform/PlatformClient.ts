/**
 * Client of the Genesys Cloud Platform API v2 subset Rewind uses (SPEC "Platform API subset"),
 * against Genesys Cloud or `rewind sim`. Its parts:
 *
 * - auth.ts: OAuth client credentials; the token cached and refreshed before it expires.
 * - transport.ts: every request paced by the rate limiter (RateLimiter.ts: a per-minute budget
 *   that follows the platform's `inin-ratelimit-*` headers), counted, retried
 *   (401 → a new token once; 429 → the whole client pauses for its Retry-After; 5xx, 408,
 *   timeouts, network errors → jittered exponential backoff, at most `PLATFORM_MAX_RETRIES`).
 * - decode.ts: answers decoded with Genesys' models (genesys.ts); a malformed one fails with a
 *   `PlatformDecodeError` naming the field.
 * - conversationPaging.ts, recordings.ts, staConfig.ts: the endpoints.
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { FetchHttpClient, HttpClient } from "effect/http"
import type { Topic, TopicModel } from "../domain/topicModel.ts"
import { makeTokenSource } from "./auth.ts"
import { type Conversations, makeConversationPaging } from "./conversationPaging.ts"
import type { PlatformError } from "./errors.ts"
import type { RecordingMetadata } from "./genesysRecordings.ts"
import { type PlatformSettings, PlatformSettingsConfig } from "./PlatformConfig.ts"
import { makeRateLimiter } from "./RateLimiter.ts"
import { makeRecordings, type RecordingContent, type RecordingContext } from "./recordings.ts"
import { makeStaConfig } from "./staConfig.ts"
import type { PlatformProgram, PlatformProgramMapping } from "./staModel.ts"
import { makeTransport, type PlatformCalls, type Request } from "./transport.ts"

export type { ConversationsOptions } from "./conversationPaging.ts"
export type { RecordingContent, RecordingContext } from "./recordings.ts"
export type { PlatformCalls } from "./transport.ts"

export class PlatformClient extends Context.Service<PlatformClient, {
  /**
   * The completed conversations that START in [from, to) (ISO instants), each once, in start
   * order. Pages the details query; splits the interval when a query would page past the
   * platform's limit; drops the conversations the platform adds because they only touch the
   * interval. A conversation Rewind cannot read comes as an `UnreadableConversation` (with the
   * reason), never dropped. With `includeOpen`, those still going on too (`OpenConversation`).
   */
  readonly conversations: Conversations
  readonly recordingMetadata: (conversationId: string) => Effect.Effect<ReadonlyArray<RecordingMetadata>, PlatformError>
  /**
   * A recording's content. Pass the conversation's start so block offsets are measured from it
   * (as the store keeps them), and the media its metadata gave.
   */
  readonly recording: (
    conversationId: string,
    recordingId: string,
    context?: RecordingContext
  ) => Effect.Effect<RecordingContent, PlatformError>
  readonly staTopics: () => Effect.Effect<ReadonlyArray<Topic>, PlatformError>
  readonly staPrograms: () => Effect.Effect<ReadonlyArray<PlatformProgram>, PlatformError>
  readonly staProgramMappings: () => Effect.Effect<ReadonlyArray<PlatformProgramMapping>, PlatformError>
  /** Topics, programs and mappings as one topic model (not validated: see TopicModel). */
  readonly staTopicModel: () => Effect.Effect<TopicModel, PlatformError>
  readonly calls: Effect.Effect<PlatformCalls>
}>()("rewind/platform/PlatformClient") {
  /** From the environment (PLATFORM_*), over fetch. */
  static readonly layer: Layer.Layer<PlatformClient, Config.ConfigError> = Layer.unwrap(
    Effect.map(PlatformSettingsConfig, (s) => PlatformClient.layerWith(s))
  )

  /** With explicit settings, over fetch. */
  static readonly layerWith = (s: PlatformSettings): Layer.Layer<PlatformClient> =>
    Layer.effect(PlatformClient, makePlatformClient(s)).pipe(Layer.provide(FetchHttpClient.layer))
}

export const makePlatformClient = Effect.fn("PlatformClient.make")(function*(s: PlatformSettings) {
  const http = yield* HttpClient.HttpClient
  const transport = makeTransport(s, http, makeRateLimiter(s.rateLimitPerMinute))
  const tokens = yield* makeTokenSource(s, transport.send)
  const request: Request = (endpoint, make) => transport.send(endpoint, make, tokens)
  return PlatformClient.of({
    ...makeConversationPaging(s, request),
    ...makeRecordings(s, request),
    ...makeStaConfig(s, request),
    calls: transport.calls
  })
})

/** For logs: the settings without the secret. */
export const describeSettings = (s: PlatformSettings): string =>
  `api ${s.apiUrl}, login ${s.loginUrl}, client ${s.clientId}, secret ${Redacted.isRedacted(s.clientSecret) ? "<redacted>" : "?"}, ` +
  `page size ${s.pageSize}, ${s.rateLimitPerMinute} requests/min, timeout ${s.timeoutMs} ms`
