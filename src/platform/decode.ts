/**
 * Decoding the platform's answers with Genesys' models (genesys.ts): a body that is not JSON, or
 * does not have the expected shape, fails with a `PlatformDecodeError` naming the field; bodies
 * that are not the platform's JSON (a proxy's HTML error page, a cut answer) described for
 * error messages.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { PlatformDecodeError } from "./errors.ts"

/** One HTTP answer of the platform, read whole. */
export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
  /** The body parsed, when the transport already did (successful answers). */
  readonly json?: unknown
}

/** The body parsed as JSON; undefined when it is not JSON (empty, HTML, cut short). */
export const parseJson = (body: string): unknown => {
  if (body.trim() === "") return undefined
  try {
    return JSON.parse(body) as unknown
  } catch {
    return undefined
  }
}

const isHtml = (r: RawResponse): boolean =>
  (r.headers["content-type"] ?? "").toLowerCase().includes("html") || /^\s*<(!doctype|html|head|body)/i.test(r.body)

/**
 * A body that is not the platform's JSON, for messages: `an HTML page "502 Bad Gateway" (not the
 * platform's JSON: a proxy or gateway in between?)`, `a body that is not JSON (cut short?): "{\"conv…"`,
 * `an empty body`. With `quote` false (the token endpoint's answers), its length only.
 */
export const describeBody = (r: RawResponse, quote = true): string => {
  if (r.body.trim() === "") return "an empty body"
  // The token endpoint's answer holds the access token: never quoted, not even cut short.
  if (!quote) return `a body that is not JSON (${r.body.length} characters, not shown: it may hold a token)`
  if (isHtml(r)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(r.body)?.[1]?.trim() ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(r.body)?.[1]?.trim()
    return `an HTML page${title === undefined || title === "" ? "" : ` ${JSON.stringify(title.slice(0, 80))}`} (not the platform's JSON: a proxy or gateway in between?)`
  }
  const snippet = r.body.length > 120 ? `${r.body.slice(0, 120)}…` : r.body
  return `a body that is not JSON${/^\s*[[{]/.test(r.body) ? " (cut short?)" : ""}: ${JSON.stringify(snippet)}`
}

/**
 * `Expected string\n  at ["a"][0]["b"]` → `a[0].b: Expected string, got 12345` (the value is
 * looked up in `input` when given).
 */
export const describeSchemaError = (message: string, input?: unknown): string => {
  const lines = message.split("\n").map((l) => l.trim()).filter((l) => l !== "")
  const at = lines.find((l) => l.startsWith("at "))
  const what = lines.filter((l) => !l.startsWith("at ")).join("; ")
  if (at === undefined) return what
  const segments = [...at.slice(3).matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!))
  const path = segments.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("")
  let got = ""
  if (input !== undefined && !what.startsWith("Missing key")) {
    let value: unknown = input
    for (const k of segments) value = typeof value === "object" && value !== null ? (value as Record<string | number, unknown>)[k] : undefined
    if (value !== undefined) {
      const shown = JSON.stringify(value) ?? String(value)
      got = `, got ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}`
    }
  }
  return path === "" ? `${what}${got}` : `${path}: ${what}${got}`
}

/** The answer's body decoded with `schema`. */
/** The endpoint (`send`'s name) whose answers hold the access token: their text is never quoted. */
export const TokenEndpoint = "token"

export const decodeResponse = <S extends Schema.Top & { readonly DecodingServices: never }>(
  endpoint: string,
  schema: S,
  r: RawResponse
): Effect.Effect<S["Type"], PlatformDecodeError> =>
  Effect.gen(function*() {
    const json = r.json ?? parseJson(r.body)
    if (json === undefined) {
      return yield* new PlatformDecodeError({ message: `${endpoint}: the platform answered ${r.status} with ${describeBody(r, endpoint !== TokenEndpoint)}`, endpoint })
    }
    return yield* Schema.decodeUnknownEffect(schema)(json).pipe(
      Effect.mapError((e) =>
        new PlatformDecodeError({
          message: `${endpoint}: unexpected response from the platform: ${describeSchemaError(e.message, endpoint === TokenEndpoint ? undefined : json)}`,
          endpoint
        })
      )
    )
  }) as Effect.Effect<S["Type"], PlatformDecodeError>
