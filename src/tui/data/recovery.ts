import type { TuiState } from "./state.ts"

/** The key of the recovery bucket that holds the automatic runs' watermark. */
export const watermarkKey = "watermark"
/** The key of the recovery bucket that holds live ingestion's watermark (not a run). */
export const ingestWatermarkKey = "ingest-watermark"

/**
 * The recovery bucket's values are JSON owned by the recovery feature; the dashboard reads
 * the common fields by their likely names and never depends on the exact shape.
 */
export interface RunSummary {
  readonly id: string
  readonly from?: string
  readonly to?: string
  readonly trigger?: string
  readonly status?: string
  readonly counts: ReadonlyArray<readonly [string, number]>
  readonly startedAt?: string
  readonly error?: string
}

type Obj = Record<string, unknown>
const isObj = (u: unknown): u is Obj => typeof u === "object" && u !== null && !Array.isArray(u)
const str = (u: unknown): string | undefined =>
  typeof u === "string" ? u : typeof u === "number" || typeof u === "boolean" ? String(u) : undefined

const pick = (o: Obj, paths: ReadonlyArray<string>): string | undefined => {
  for (const p of paths) {
    let v: unknown = o
    for (const k of p.split(".")) v = isObj(v) ? v[k] : undefined
    const s = str(v)
    if (s !== undefined) return s
  }
  return undefined
}

const countOrder = ["platform", "store", "missing", "recovered", "pending", "stillPending", "failed"]

/** Numeric leaves under `counts` (or top-level count fields), summed by leaf name. */
const countsOf = (o: Obj): ReadonlyArray<readonly [string, number]> => {
  const sums = new Map<string, number>()
  const walk = (v: unknown, key: string, depth: number) => {
    if (typeof v === "number" && Number.isFinite(v)) sums.set(key, (sums.get(key) ?? 0) + v)
    else if (isObj(v) && depth < 3) for (const [k, x] of Object.entries(v)) walk(x, k, depth + 1)
  }
  if (isObj(o["counts"])) walk(o["counts"], "", 0)
  else for (const k of countOrder) if (typeof o[k] === "number") sums.set(k, o[k] as number)
  const rank = (k: string) => (countOrder.indexOf(k) === -1 ? countOrder.length : countOrder.indexOf(k))
  return [...sums].sort((a, b) => rank(a[0]) - rank(b[0]))
}

export const summarizeRun = (key: string, value: unknown): RunSummary => {
  const o = isObj(value) ? value : {}
  const s = (paths: ReadonlyArray<string>) => pick(o, paths)
  const opt = <K extends string>(k: K, v: string | undefined) => (v === undefined ? {} : { [k]: v }) as Partial<Record<K, string>>
  return {
    id: s(["id", "runId"]) ?? key,
    ...opt("from", s(["from", "period.from", "periodFrom", "interval.from", "interval.start"])),
    ...opt("to", s(["to", "period.to", "periodTo", "interval.to", "interval.end"])),
    ...opt("trigger", s(["trigger", "kind", "mode"])),
    ...opt("status", s(["status", "state", "runStatus"])),
    ...opt("startedAt", s(["startedAt", "dateStarted", "started", "createdAt", "at"])),
    ...opt("error", s(["error", "errorMessage", "error.message", "lastError"])),
    counts: countsOf(o)
  }
}

/** The watermark as text, whatever its stored form (`"…"`, `{at}`, `{watermark}`). */
export const watermarkText = (value: unknown): string | undefined =>
  str(value) ?? (isObj(value) ? pick(value, ["watermark", "at", "value", "to", "time"]) ?? JSON.stringify(value) : undefined)

export const applyRecoveryEntry = (s: TuiState, key: string, value: unknown): TuiState => {
  if (key === watermarkKey) {
    const { watermark: _w, ...rest } = s.recovery
    return { ...s, recovery: value === undefined ? rest : { ...rest, watermark: value } }
  }
  if (key === ingestWatermarkKey) {
    const { ingestWatermark: _w, ...rest } = s.recovery
    return { ...s, recovery: value === undefined ? rest : { ...rest, ingestWatermark: value } }
  }
  const runs = new Map(s.recovery.runs)
  if (value === undefined) runs.delete(key)
  else runs.set(key, value)
  return { ...s, recovery: { ...s.recovery, runs } }
}

export const keepRuns = (s: TuiState, keys: ReadonlyArray<string>): TuiState => {
  const live = new Set(keys)
  const runs = new Map([...s.recovery.runs].filter(([k]) => live.has(k)))
  const { watermark, ingestWatermark, ...rest } = s.recovery
  return {
    ...s,
    recovery: {
      ...rest,
      runs,
      ...(live.has(watermarkKey) && watermark !== undefined ? { watermark } : {}),
      ...(live.has(ingestWatermarkKey) && ingestWatermark !== undefined ? { ingestWatermark } : {})
    }
  }
}

/** Newest first (by start, then id). */
export const sortRuns = (runs: ReadonlyMap<string, unknown>): ReadonlyArray<RunSummary> =>
  [...runs].map(([k, v]) => summarizeRun(k, v)).sort((a, b) =>
    (b.startedAt ?? b.from ?? "").localeCompare(a.startedAt ?? a.from ?? "") || b.id.localeCompare(a.id))
