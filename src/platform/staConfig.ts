/**
 * Speech and text analytics configuration (topics, programs, program mappings): cursor-paged
 * lists read whole, topics listed without their phrases and programs listed without their topics
 * (Genesys' ListedTopic, ListedProgram) read one by one, and the three as one topic model.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { HttpClientRequest } from "effect/http"
import { decodeResponse } from "./decode.ts"
import { EntityListing, Paths, StaProgram, StaProgramMappings, StaTopic } from "./genesys.ts"
import type { PlatformSettings } from "./PlatformConfig.ts"
import { toProgram, toProgramMapping, toTopic, toTopicModel } from "./staModel.ts"
import type { Request } from "./transport.ts"

/** `request` sends an authenticated request (to the API host: `url` is absolute). */
export const makeStaConfig = (
  s: PlatformSettings,
  request: Request
) => {
  const api = (path: string) => `${s.apiUrl}${path}`

  const sameOrigin = (uri: string): string => {
    const u = new URL(uri, `${s.apiUrl}/`)
    return `${s.apiUrl}${u.pathname}${u.search}`
  }

  /** Follows `nextUri` (same origin only: the token never leaves the API host). */
  const listAll = <S extends Schema.Top & { readonly DecodingServices: never }>(endpoint: string, path: string, entity: S) =>
    Effect.gen(function*() {
      const listing = EntityListing(entity)
      const out: Array<S["Type"]> = []
      let url: string | undefined = `${api(path)}?pageSize=100`
      for (let pages = 0; url !== undefined && pages < 10_000; pages++) {
        const current: string = url
        const r = yield* request(endpoint, () => HttpClientRequest.get(current).pipe(HttpClientRequest.acceptJson))
        const page = (yield* decodeResponse(endpoint, listing, r)) as { entities?: ReadonlyArray<S["Type"]>; nextUri?: string }
        out.push(...(page.entities ?? []))
        url = page.nextUri === undefined || page.nextUri === "" || (page.entities ?? []).length === 0
          ? undefined
          : sameOrigin(page.nextUri)
      }
      return out as ReadonlyArray<S["Type"]>
    })

  const staTopics = () =>
    listAll("sta.topics", Paths.staTopics, StaTopic).pipe(
      Effect.flatMap((listed) =>
        Effect.forEach(listed, (t) =>
          t.phrases !== undefined
            ? Effect.succeed(t)
            : request("sta.topic", () => HttpClientRequest.get(api(Paths.staTopic(t.id))).pipe(HttpClientRequest.acceptJson)).pipe(
              Effect.flatMap((r) => decodeResponse("sta.topic", StaTopic, r))
            ))
      ),
      Effect.map((topics) => topics.map(toTopic)),
      Effect.withSpan("PlatformClient.staTopics")
    )

  const staPrograms = () =>
    listAll("sta.programs", Paths.staPrograms, StaProgram).pipe(
      Effect.flatMap((listed) =>
        Effect.forEach(listed, (p) =>
          p.topics !== undefined || p.topicsCount === 0
            ? Effect.succeed(p)
            : request("sta.program", () => HttpClientRequest.get(api(Paths.staProgram(p.id))).pipe(HttpClientRequest.acceptJson)).pipe(
              Effect.flatMap((r) => decodeResponse("sta.program", StaProgram, r))
            ))
      ),
      Effect.map((ps) => ps.map(toProgram)),
      Effect.withSpan("PlatformClient.staPrograms")
    )

  const staProgramMappings = () =>
    listAll("sta.mappings", Paths.staProgramMappings, StaProgramMappings).pipe(
      Effect.map((ms) => ms.map(toProgramMapping)),
      Effect.withSpan("PlatformClient.staProgramMappings")
    )

  const staTopicModel = () =>
    Effect.all([staTopics(), staPrograms(), staProgramMappings()]).pipe(
      Effect.map(([topics, programs, mappings]) => toTopicModel(topics, programs, mappings))
    )

  return { staTopics, staPrograms, staProgramMappings, staTopicModel }
}
