/**
 * OAuth client credentials (`POST /oauth/token` on the login host): the token is cached and
 * refreshed before it expires (at 80 % of its life, at most a minute early); one request fetches
 * it while the others wait; a token the platform refused is dropped.
 */
import * as Effect from "effect/Effect"
import * as Semaphore from "effect/Semaphore"
import { HttpClientRequest } from "effect/http"
import { decodeResponse, TokenEndpoint } from "./decode.ts"
import { PlatformAuthError, type PlatformError } from "./errors.ts"
import { Paths, TokenResponse } from "./genesys.ts"
import type { PlatformSettings } from "./PlatformConfig.ts"
import type { Send, TokenSource } from "./transport.ts"

export const makeTokenSource = Effect.fnUntraced(function*(s: PlatformSettings, send: Send) {
  let cached: { readonly token: string; readonly refreshAt: number } | undefined
  const lock = yield* Semaphore.make(1)

  const fetchToken: Effect.Effect<string, PlatformError> = Effect.gen(function*() {
    const r = yield* send(TokenEndpoint, () =>
      HttpClientRequest.post(`${s.loginUrl}${Paths.token}`).pipe(
        HttpClientRequest.basicAuth(s.clientId, s.clientSecret),
        HttpClientRequest.bodyUrlParams({ grant_type: "client_credentials" }),
        HttpClientRequest.acceptJson
      )).pipe(
        Effect.catchTag("PlatformResponseError", (e) =>
          Effect.fail(
            new PlatformAuthError({
              message: `the platform refused the OAuth client credentials of client ${JSON.stringify(s.clientId)} ` +
                `at ${s.loginUrl}${Paths.token} (${e.status}): check PLATFORM_CLIENT_ID and PLATFORM_CLIENT_SECRET`,
              status: e.status
            })
          ))
      )
    const t = yield* decodeResponse(TokenEndpoint, TokenResponse, r)
    const lifetime = Math.max(0, t.expires_in * 1000)
    cached = { token: t.access_token, refreshAt: Date.now() + lifetime - Math.min(60_000, lifetime * 0.2) }
    return t.access_token
  })

  const fresh = () => cached !== undefined && Date.now() < cached.refreshAt

  const token: Effect.Effect<string, PlatformError> = Effect.suspend(() =>
    fresh()
      ? Effect.succeed(cached!.token)
      : lock.withPermit(Effect.suspend(() => (fresh() ? Effect.succeed(cached!.token) : fetchToken)))
  )

  return {
    token,
    invalidate: (bearer) => {
      if (cached?.token === bearer) cached = undefined
    }
  } satisfies TokenSource
})
