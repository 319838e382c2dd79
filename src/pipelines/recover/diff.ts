import { type MediaType, TextMediaTypes } from "../../domain/media.ts"
import { type RecoveryCounts, zeroCounts } from "../../domain/recovery.ts"
import type { PlatformConversation } from "../../platform/convert.ts"

export type CountsByMedia = Record<string, RecoveryCounts>

export const bump = (counts: CountsByMedia, media: string, field: keyof RecoveryCounts, by = 1) => {
  const c = (counts[media] ??= zeroCounts())
  ;(c as { -readonly [K in keyof RecoveryCounts]: number })[field] += by
}

export const totalsOf = (counts: CountsByMedia): RecoveryCounts => {
  const t = { ...zeroCounts() }
  for (const c of Object.values(counts)) {
    for (const k of Object.keys(t) as Array<keyof RecoveryCounts>) t[k] += c[k]
  }
  return t
}

/**
 * Transform (pure): match the platform's conversations against the store's ids and pick the
 * missing TEXT conversations of the selected media types (voice is out of scope). Counts what
 * it saw per media type.
 */
export const missingText = (
  conversations: ReadonlyArray<PlatformConversation>,
  inStore: ReadonlySet<string>,
  selected: ReadonlyArray<MediaType>,
  counts: CountsByMedia
): ReadonlyArray<PlatformConversation> => {
  const out: Array<PlatformConversation> = []
  for (const c of conversations) {
    bump(counts, c.mediaType, "platform")
    if (inStore.has(c.id)) {
      bump(counts, c.mediaType, "store")
      continue
    }
    if (!TextMediaTypes.includes(c.mediaType) || !selected.includes(c.mediaType)) continue
    bump(counts, c.mediaType, "missing")
    out.push(c)
  }
  return out
}
