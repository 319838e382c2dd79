import type { InteractionMeta } from "./interaction.ts"
import type { JobFilters } from "./job.ts"
import type { MediaType } from "./media.ts"

/** What selects interactions (the store's SQL implements the same predicate). */
export interface Scope {
  readonly dateStart: string
  readonly dateEnd: string
  readonly programs: ReadonlyArray<string>
  readonly mediaTypes: ReadonlyArray<MediaType>
  readonly dialects?: ReadonlyArray<string> | undefined
  readonly filters?: JobFilters | undefined
}

const nonEmpty = <A>(xs: ReadonlyArray<A> | undefined): xs is ReadonlyArray<A> => xs !== undefined && xs.length > 0

/** Rule 2: is this interaction in the job's scope? Reference predicate for tests. */
export const inScope = (i: InteractionMeta, s: Scope): boolean => {
  const start = Date.parse(i.startTime)
  if (!(start >= Date.parse(s.dateStart) && start < Date.parse(s.dateEnd))) return false
  if (!s.mediaTypes.includes(i.mediaType)) return false
  if (!i.programIds.some((p) => s.programs.includes(p))) return false
  if (nonEmpty(s.dialects) && !s.dialects.includes(i.language)) return false
  const f = s.filters
  if (f) {
    if (nonEmpty(f.queues) && !f.queues.includes(i.queueId)) return false
    if (nonEmpty(f.divisions) && !f.divisions.includes(i.divisionId)) return false
    if (nonEmpty(f.directions) && !f.directions.includes(i.direction)) return false
    if (nonEmpty(f.agents) && !i.agentIds.some((a) => f.agents!.includes(a))) return false
    const duration = Date.parse(i.endTime) - start
    if (f.minDurationMs !== undefined && duration < f.minDurationMs) return false
    if (f.maxDurationMs !== undefined && duration > f.maxDurationMs) return false
  }
  return true
}
