/**
 * Recovery's pending list, as the store holds it (every daemon sharing the store reports the same):
 * - `rewind_recovery_pending_conversations{media}`: conversations on it — content still being
 *   prepared, a recording archived, still open on the platform, or no usable answer from the
 *   platform yet — which every recovery run asks for again;
 * - `rewind_recovery_pending_oldest_seconds`: how long the oldest of them has been on it (0 when
 *   it is empty). One that stays for days needs a person: an archived recording to restore in
 *   Genesys Cloud, or a platform that keeps failing it (`rewind recovery show` gives the reasons).
 *
 * Read from the store at a scrape, at most every `RefreshMs`; a read that fails or takes longer
 * than `ReadTimeoutMs` leaves the figures last read (the store's errors have their own metric).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as prom from "prom-client"
import { TextMediaTypes } from "../../domain/media.ts"
import { type PendingSummary, RecoveryStore } from "../../store/RecoveryStore.ts"
import { Metrics } from "../Metrics.ts"

const RefreshMs = 30_000
const ReadTimeoutMs = 5_000

/** The gauges' values from the store's summary at `nowMs`: conversations per media type (the text ones always), the oldest's age in seconds. */
export const pendingFigures = (summary: ReadonlyArray<PendingSummary>, nowMs: number) => {
  const byMedia = new Map<string, number>(TextMediaTypes.map((m) => [m, 0]))
  let oldest = nowMs
  for (const s of summary) {
    byMedia.set(s.mediaType, (byMedia.get(s.mediaType) ?? 0) + s.conversations)
    const since = Date.parse(s.oldestSince)
    if (s.conversations > 0 && Number.isFinite(since)) oldest = Math.min(oldest, since)
  }
  return { byMedia, oldestSeconds: Math.max(0, (nowMs - oldest) / 1000) }
}

export const PendingMetricsLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const recovery = yield* RecoveryStore
    const { registry } = yield* Metrics
    let summary: ReadonlyArray<PendingSummary> | undefined
    let readAt = 0
    const refresh = async () => {
      if (Date.now() - readAt < RefreshMs) return
      readAt = Date.now()
      const read = await Effect.runPromise(recovery.pendingSummary().pipe(Effect.timeout(Duration.millis(ReadTimeoutMs)), Effect.option))
      if (read._tag === "Some") summary = read.value
    }
    new prom.Gauge({
      name: "rewind_recovery_pending_conversations",
      help: "Conversations on recovery's pending list, by media type: asked for again by every recovery run until recovered or failed for good",
      labelNames: ["media"],
      registers: [registry],
      async collect() {
        await refresh()
        if (summary === undefined) return
        this.reset()
        for (const [media, n] of pendingFigures(summary, Date.now()).byMedia) this.set({ media }, n)
      }
    })
    new prom.Gauge({
      name: "rewind_recovery_pending_oldest_seconds",
      help: "How long the oldest conversation on recovery's pending list has been on it (0 when the list is empty)",
      registers: [registry],
      async collect() {
        await refresh()
        if (summary !== undefined) this.set(pendingFigures(summary, Date.now()).oldestSeconds)
      }
    })
  })
)
