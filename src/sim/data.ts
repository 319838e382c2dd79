/**
 * The simulator's platform of record: the deterministic seed interactions (src/seed/generate.ts),
 * looked up by id and by time, and the example topic model as STA topics, programs and program
 * mappings. How Genesys serves them: analyticsData.ts (details query), recordingData.ts
 * (recording metadata and content).
 *
 * Same seed/count/from/to as `rewind seed` → the same ids, times and transcripts. Only the
 * interactions' metadata is kept in memory; a recording's content is regenerated on demand.
 */
import type { Interaction, Transcript } from "../domain/interaction.ts"
import type { MediaType } from "../domain/media.ts"
import { phrasesOf, type TopicModel } from "../domain/topicModel.ts"
import type { StaProgram, StaProgramMappings, StaTopic } from "../platform/genesys.ts"
import { exampleModel, generateInteractionAt, generateInteractions, type SeedOptions } from "../seed/generate.ts"
import { isMissingInteraction } from "../seed/missing.ts"

/** What the simulator keeps of one interaction. */
export interface SimConversation {
  readonly index: number
  readonly id: string
  readonly startMs: number
  readonly endMs: number
  readonly mediaType: MediaType
  readonly direction: "inbound" | "outbound"
  readonly queueId: string
  readonly divisionId: string
  readonly agentIds: ReadonlyArray<string>
  readonly language: string
  readonly transcriptIds: ReadonlyArray<string>
}

const DayMs = 86_400_000

export class SimData {
  readonly options: SeedOptions
  readonly missingShare: number
  readonly conversations: ReadonlyArray<SimConversation>
  private readonly byId: ReadonlyMap<string, SimConversation>
  private readonly model: TopicModel
  private readonly recent = new Map<string, Interaction>()

  constructor(options: SeedOptions, missingShare = 0) {
    this.options = options
    this.missingShare = missingShare
    const list: Array<SimConversation> = []
    let index = 0
    for (const i of generateInteractions(options)) {
      const startMs = Date.parse(i.startTime)
      const endMs = Date.parse(i.endTime)
      list.push({
        index,
        id: i.id,
        startMs,
        endMs,
        mediaType: i.mediaType,
        direction: i.direction,
        queueId: i.queueId,
        divisionId: i.divisionId,
        agentIds: i.agentIds,
        language: i.language,
        transcriptIds: i.transcripts.map((t) => t.id)
      })
      index++
    }
    this.conversations = list
    this.byId = new Map(list.map((c) => [c.id, c]))
    this.model = exampleModel()
  }

  get(id: string): SimConversation | undefined {
    return this.byId.get(id)
  }

  /** The ids of the text conversations `rewind seed --missing-share` leaves out of the store. */
  missingIds(): ReadonlyArray<string> {
    return this.conversations.filter((c) => isMissingInteraction(c, this.options.seed, this.missingShare)).map((c) => c.id)
  }

  /** The full interaction (transcripts included), regenerated; the last few are kept. */
  interaction(c: SimConversation): Interaction {
    const hit = this.recent.get(c.id)
    if (hit !== undefined) return hit
    const i = generateInteractionAt(this.options, c.index)
    this.recent.set(c.id, i)
    if (this.recent.size > 256) this.recent.delete(this.recent.keys().next().value!)
    return i
  }

  /**
   * The conversations that started on a (UTC) day the interval [fromMs, toMs) touches, whenever
   * on that day, in start order.
   */
  startedOnDaysTouched(fromMs: number, toMs: number): Array<SimConversation> {
    const list = this.conversations
    const firstAtOrAfter = (t: number): number => {
      let lo = 0
      let hi = list.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (list[mid]!.startMs < t) lo = mid + 1
        else hi = mid
      }
      return lo
    }
    const firstDay = Math.floor(fromMs / DayMs) * DayMs
    const afterLastDay = Math.floor((toMs - 1) / DayMs) * DayMs + DayMs
    return list.slice(firstAtOrAfter(firstDay), firstAtOrAfter(afterLastDay))
  }

  /**
   * The conversations Genesys' details query selects for the interval [fromMs, toMs), in start
   * order: "Results will include conversations that both started on a day touched by the interval
   * AND either started, ended, or any activity during the interval. Conversations that started
   * before the earliest day of the interval will not be searched" (ConversationQuery.interval).
   * An hour's query returns the conversations of that hour and those started earlier that day
   * still going on in it.
   */
  selectedBy(fromMs: number, toMs: number): Array<SimConversation> {
    return this.startedOnDaysTouched(fromMs, toMs).filter((c) => c.startMs < toMs && c.endMs >= fromMs)
  }

  transcript(c: SimConversation, recordingId: string): Transcript | undefined {
    return this.interaction(c).transcripts.find((x) => x.id === recordingId)
  }

  // --- STA configuration ----------------------------------------------------------------------------

  staTopics(): ReadonlyArray<StaTopic & Record<string, unknown>> {
    const programsCount = (id: string) => this.model.programs.filter((p) => p.topics.includes(id)).length
    return this.model.topics.map((t) => ({
      id: t.id,
      name: t.name,
      description: "",
      published: true,
      ...(t.strictness === undefined ? {} : { strictness: t.strictness }),
      dialect: "en-US",
      participants: t.participants === "external" ? "External" : t.participants === "internal" ? "Internal" : "All",
      phrases: t.phrases.map((p) =>
        typeof p === "string"
          ? { text: p, sentiment: "Unspecified" }
          : { text: p.text, ...(p.strictness === undefined ? {} : { strictness: p.strictness }), sentiment: "Unspecified" }
      ),
      phrasesCount: phrasesOf(t).length,
      programsCount: programsCount(t.id),
      tags: [],
      dateModified: "2026-01-01T00:00:00.000Z",
      selfUri: `/api/v2/speechandtextanalytics/topics/${t.id}`
    }))
  }

  staPrograms(): ReadonlyArray<StaProgram & Record<string, unknown>> {
    const topicName = new Map(this.model.topics.map((t) => [t.id, t.name]))
    return this.model.programs.map((p) => ({
      id: p.id,
      name: p.name,
      description: "",
      published: true,
      topics: p.topics.map((id) => ({ id, name: topicName.get(id) ?? id, selfUri: `/api/v2/speechandtextanalytics/topics/${id}` })),
      tags: [],
      dateModified: "2026-01-01T00:00:00.000Z",
      selfUri: `/api/v2/speechandtextanalytics/programs/${p.id}`
    }))
  }

  staProgramMappings(): ReadonlyArray<StaProgramMappings & Record<string, unknown>> {
    return this.model.programs.map((p) => ({
      program: { id: p.id, name: p.name, selfUri: `/api/v2/speechandtextanalytics/programs/${p.id}` },
      // AddressableEntityRef: an id and a link, no name.
      queues: p.queues.map((q) => ({ id: q, selfUri: `/api/v2/routing/queues/${q}` })),
      flows: [],
      dateModified: "2026-01-01T00:00:00.000Z"
    }))
  }
}
