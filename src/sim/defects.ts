/**
 * Bad platform data, on purpose: a share of the conversations described with a required field
 * missing or with a media type Genesys does not document. Which conversations is decided by
 * their ids (the same ones on every request, as real bad data would be), so a client sees the
 * same defect again when it retries.
 */
import type { SimFaults } from "./faults.ts"
import { fnv } from "./identities.ts"
import type { SimRoute } from "./routes.ts"

/** A media type no Genesys model lists. */
export const UndocumentedMedia = "hologram"

const chosen = (salt: string, id: string, rate: number): number | undefined => {
  if (rate <= 0) return undefined
  const h = fnv(`${salt}:${id}`)
  return h / 2 ** 32 < rate ? h : undefined
}

/** The field missing from a conversation's description (`missingFieldRate`), if any. */
export const missingFieldOf = (conversationId: string, rate: number): "conversationStart" | "media" | undefined => {
  const h = chosen("missing", conversationId, rate)
  return h === undefined ? undefined : h % 2 === 0 ? "conversationStart" : "media"
}

/** Whether a conversation's sessions say an undocumented media type (`unknownMediaRate`). */
export const hasUndocumentedMedia = (conversationId: string, rate: number): boolean =>
  chosen("media", conversationId, rate) !== undefined

type Json = Record<string, unknown>

const defectiveConversation = (c: Json, f: SimFaults): Json => {
  const id = String(c["conversationId"])
  let out = c
  if (missingFieldOf(id, f.missingFieldRate) === "conversationStart") {
    const { conversationStart: _s, ...rest } = out
    out = rest
  }
  if (hasUndocumentedMedia(id, f.unknownMediaRate)) {
    const participants = (out["participants"] as Array<Json> | undefined ?? []).map((p) => ({
      ...p,
      sessions: (p["sessions"] as Array<Json> | undefined ?? []).map((s) => ({ ...s, mediaType: UndocumentedMedia }))
    }))
    out = { ...out, participants }
  }
  return out
}

/** The answer's body with the defects the knobs ask for (unchanged when they ask for none). */
export const withDefects = (route: SimRoute, body: unknown, f: SimFaults): unknown => {
  if (f.missingFieldRate <= 0 && f.unknownMediaRate <= 0) return body
  if (route === "conversations.query" && typeof body === "object" && body !== null) {
    const page = body as { conversations?: Array<Json> }
    return page.conversations === undefined ? body : { ...page, conversations: page.conversations.map((c) => defectiveConversation(c, f)) }
  }
  if (route === "recordingmetadata" && Array.isArray(body)) {
    return (body as Array<Json>).map((m) => {
      if (missingFieldOf(String(m["conversationId"]), f.missingFieldRate) !== "media") return m
      const { media: _m, ...rest } = m
      return rest
    })
  }
  return body
}
