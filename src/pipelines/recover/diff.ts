import { type MediaType, TextMediaTypes } from "../../domain/media.ts"
import { type RecoveryCounts, zeroCounts } from "../../domain/recovery.ts"
import { isUnreadable, type ListedOrOpen } from "../../platform/convert.ts"

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

/** Where conversations the platform lists but Rewind cannot read are counted. */
export const UnknownMedia = "unknown"

/**
 * Transform (pure): match the platform's conversations against the store's ids and pick the
 * missing TEXT conversations of the selected media types (voice is out of scope). Counts what
 * it saw per media type. A conversation Rewind cannot read is missing unless the store has it
 * (counted under `unknown`: its media type may be the reason it cannot be read): it goes on to
 * be counted failed with its reason, never dropped. One still open on the platform (no
 * `conversationEnd` yet) is counted and picked like the others: it goes on to be kept pending.
 */
export const missingText = (
  conversations: ReadonlyArray<ListedOrOpen>,
  inStore: ReadonlySet<string>,
  selected: ReadonlyArray<MediaType>,
  counts: CountsByMedia
): ReadonlyArray<ListedOrOpen> => {
  const out: Array<ListedOrOpen> = []
  for (const c of conversations) {
    const media = isUnreadable(c) ? UnknownMedia : c.mediaType
    bump(counts, media, "platform")
    if (inStore.has(c.id)) {
      bump(counts, media, "store")
      continue
    }
    if (!isUnreadable(c) && (!TextMediaTypes.includes(c.mediaType) || !selected.includes(c.mediaType))) continue
    bump(counts, media, "missing")
    out.push(c)
  }
  return out
}
