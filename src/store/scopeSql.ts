/**
 * The SQL form of `inScope` (src/domain/scope.ts) over the `interactions` table: the same
 * predicate, condition by condition. Conditions are constant SQL fragments chosen by which
 * filters are present; every value is a query parameter.
 *
 * - start time in [dateStart, dateEnd) (millisecond precision, like Date.parse)
 * - media type selected
 * - any of the interaction's programs selected (hasAny)
 * - dialects → language (empty/absent: no filter)
 * - filters: queues, divisions, directions, agents (hasAny), duration bounds in ms
 *   (empty/absent: no filter)
 */
import type { Scope } from "../domain/scope.ts"
import { toChTime, type Params } from "./sql.ts"

export interface SqlCondition {
  readonly where: string
  readonly params: Params
}

const nonEmpty = <A>(xs: ReadonlyArray<A> | undefined): xs is ReadonlyArray<A> => xs !== undefined && xs.length > 0

export const scopeCondition = (s: Scope): SqlCondition => {
  const conditions: Array<string> = [
    "start_time >= {dateStart:DateTime64(3, 'UTC')}",
    "start_time < {dateEnd:DateTime64(3, 'UTC')}",
    "media_type IN {mediaTypes:Array(String)}",
    "hasAny(program_ids, {programs:Array(String)})"
  ]
  const params: Params = {
    dateStart: toChTime(s.dateStart),
    dateEnd: toChTime(s.dateEnd),
    mediaTypes: [...s.mediaTypes],
    programs: [...s.programs]
  }
  if (nonEmpty(s.dialects)) {
    conditions.push("language IN {dialects:Array(String)}")
    params.dialects = [...s.dialects]
  }
  const f = s.filters
  if (f !== undefined) {
    if (nonEmpty(f.queues)) {
      conditions.push("queue_id IN {queues:Array(String)}")
      params.queues = [...f.queues]
    }
    if (nonEmpty(f.divisions)) {
      conditions.push("division_id IN {divisions:Array(String)}")
      params.divisions = [...f.divisions]
    }
    if (nonEmpty(f.directions)) {
      conditions.push("direction IN {directions:Array(String)}")
      params.directions = [...f.directions]
    }
    if (nonEmpty(f.agents)) {
      conditions.push("hasAny(agent_ids, {agents:Array(String)})")
      params.agents = [...f.agents]
    }
    if (f.minDurationMs !== undefined) {
      conditions.push("toUnixTimestamp64Milli(end_time) - toUnixTimestamp64Milli(start_time) >= {minDurationMs:Int64}")
      params.minDurationMs = f.minDurationMs
    }
    if (f.maxDurationMs !== undefined) {
      conditions.push("toUnixTimestamp64Milli(end_time) - toUnixTimestamp64Milli(start_time) <= {maxDurationMs:Int64}")
      params.maxDurationMs = f.maxDurationMs
    }
  }
  return { where: conditions.join("\n  AND "), params }
}
