/**
 * Which seeded interactions the store "lost": a deterministic share of the TEXT interactions
 * (chat, message, email) that `rewind seed --missing-share` leaves out of the store while the
 * simulator (`rewind sim`) still serves them — the gap a recovery run must find and fill.
 *
 * The choice depends only on (interaction id, seed, share), never on how the data is consumed,
 * and is monotonic in `share`: what is missing at 1 % is also missing at 2 %.
 */
import type { MediaType } from "../domain/media.ts"
import { TextMediaTypes } from "../domain/media.ts"

/** FNV-1a over the id, then mixed with the seed (murmur3 finalizer). */
const unitHash = (id: string, seed: number): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193)
  h ^= Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x9e3779b1)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return (h >>> 0) / 4294967296
}

/**
 * Is the interaction `id` among the `share` (0..1) the store lost? Pure hash of (id, seed):
 * it does not look at the media type — see `isMissingInteraction` (voice is never missing).
 */
export const isMissing = (id: string, seed: number, share: number): boolean => {
  if (!(share > 0)) return false
  if (share >= 1) return true
  return unitHash(id, seed) < share
}

/** `isMissing`, for text interactions only: voice and callbacks are never missing. */
export const isMissingInteraction = (
  i: { readonly id: string; readonly mediaType: MediaType },
  seed: number,
  share: number
): boolean => TextMediaTypes.includes(i.mediaType) && isMissing(i.id, seed, share)

/** Validates a share given on the command line or in options: a number in [0, 1]. */
export const checkMissingShare = (share: number): string | undefined =>
  Number.isFinite(share) && share >= 0 && share <= 1 ? undefined : `missing share must be between 0 and 1, got ${share}`
