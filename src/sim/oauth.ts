/**
 * The simulator's OAuth: `POST /oauth/token` (client credentials, HTTP Basic, form grant) issues
 * bearer tokens that live `tokenTtlSeconds`; API requests must carry a live one.
 */
import type { HttpServerRequest } from "effect/http"
import { randomUUID } from "node:crypto"
import { type Answer, fail } from "./answers.ts"

export interface OAuthOptions {
  /** When set, token requests must present these client credentials. */
  readonly clientId?: string | undefined
  readonly clientSecret?: string | undefined
}

export const makeOAuth = (options: OAuthOptions, ttlSeconds: () => number, onIssued: () => void) => {
  const tokens = new Map<string, number>()

  const token = (req: HttpServerRequest.HttpServerRequest, body: string): Answer => {
    const auth = req.headers["authorization"] ?? ""
    const m = /^Basic\s+(.+)$/i.exec(auth)
    const invalidClient = (description: string): Answer => ({
      status: 401,
      body: { error: "invalid_client", description, error_description: description }
    })
    if (m === null) return invalidClient("client credentials are required (HTTP Basic)")
    const decoded = Buffer.from(m[1]!, "base64").toString("utf8")
    const colon = decoded.indexOf(":")
    const id = colon < 0 ? decoded : decoded.slice(0, colon)
    const secret = colon < 0 ? "" : decoded.slice(colon + 1)
    if (id === "" || secret === "") return invalidClient("client credentials are required (HTTP Basic)")
    if (options.clientId !== undefined && (id !== options.clientId || secret !== options.clientSecret)) {
      return invalidClient("client not found")
    }
    const grant = new URLSearchParams(body).get("grant_type")
    if (grant !== "client_credentials") {
      return { status: 400, body: { error: "unsupported_grant_type", description: "grant_type must be client_credentials" } }
    }
    const value = randomUUID().replace(/-/g, "") + randomUUID().replace(/-/g, "")
    const now = Date.now()
    const ttl = ttlSeconds()
    tokens.set(value, now + ttl * 1000)
    if (tokens.size > 10_000) for (const [t, exp] of tokens) if (exp <= now) tokens.delete(t)
    onIssued()
    return { status: 200, body: { access_token: value, token_type: "bearer", expires_in: ttl } }
  }

  /** undefined when the request carries a live token; otherwise the 401. */
  const authorized = (req: HttpServerRequest.HttpServerRequest): Answer | undefined => {
    const auth = req.headers["authorization"] ?? ""
    const m = /^Bearer\s+(\S+)$/i.exec(auth)
    if (m === null) return fail(401, "authentication.required", "No authentication bearer token specified in authorization header.")
    const exp = tokens.get(m[1]!)
    if (exp === undefined || exp <= Date.now()) {
      return fail(401, "bad.credentials", "Invalid login credentials.")
    }
    return undefined
  }

  return { token, authorized, expireAll: () => tokens.clear() }
}
