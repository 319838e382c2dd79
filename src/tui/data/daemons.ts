import type { DaemonInfo } from "./state.ts"

/** The parts of the services framework's info/stats/ping answers the dashboard reads. */
export interface ServiceAnswers {
  readonly info: ReadonlyArray<{ id: string; version: string; description?: string; metadata?: Record<string, string> }>
  readonly stats: ReadonlyArray<{
    id: string
    version: string
    started?: string
    metadata?: Record<string, string>
    endpoints?: ReadonlyArray<{ num_requests: number; num_errors: number; last_error?: string }>
  }>
  /** Ping answers with their round-trip time. */
  readonly ping: ReadonlyArray<{ id: string; version: string; metadata?: Record<string, string>; rttMs: number }>
}

/**
 * One row per service instance of this installation (`metadata.prefix`), merged from the
 * three discovery answers; instances of other prefixes on the same server are left out.
 */
export const mergeDaemons = (a: ServiceAnswers, prefix: string, now: number): ReadonlyArray<DaemonInfo> => {
  const ours = (m: Record<string, string> | undefined) => m?.["prefix"] === undefined || m["prefix"] === prefix
  const byId = new Map<string, DaemonInfo>()
  const get = (id: string, version: string): DaemonInfo =>
    byId.get(id) ?? { id, version, requests: 0, errors: 0, endpoints: 0, seenAt: now }
  for (const p of a.ping) if (ours(p.metadata)) byId.set(p.id, { ...get(p.id, p.version), rttMs: p.rttMs })
  for (const i of a.info) {
    if (!ours(i.metadata)) continue
    const instance = i.metadata?.["instance"]
    byId.set(i.id, {
      ...get(i.id, i.version),
      ...(i.description !== undefined ? { description: i.description } : {}),
      ...(instance !== undefined ? { instance } : {})
    })
  }
  for (const s of a.stats) {
    if (!ours(s.metadata)) continue
    const eps = s.endpoints ?? []
    const lastError = eps.map((e) => e.last_error).find((e) => e !== undefined && e !== "")
    byId.set(s.id, {
      ...get(s.id, s.version),
      ...(s.started !== undefined ? { started: s.started } : {}),
      requests: eps.reduce((n, e) => n + e.num_requests, 0),
      errors: eps.reduce((n, e) => n + e.num_errors, 0),
      endpoints: eps.length,
      ...(lastError !== undefined ? { lastError } : {})
    })
  }
  return [...byId.values()].sort((x, y) => (x.started ?? "").localeCompare(y.started ?? "") || x.id.localeCompare(y.id))
}
