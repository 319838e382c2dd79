import type { Interaction } from "../../domain/interaction.ts"
import type { TopicModel } from "../../domain/topicModel.ts"
import type { BlockTopicRow } from "../../store/InteractionStore.ts"
import type { Detector } from "../../topics/detector.ts"

/** The programs an interaction belongs to: those whose mapping lists its queue. */
export const programsForQueue = (model: TopicModel, queueId: string): ReadonlyArray<string> =>
  model.programs.filter((p) => p.queues.includes(queueId)).map((p) => p.id).sort()

export interface Ingestible {
  readonly interaction: Interaction
  readonly topics: ReadonlyArray<BlockTopicRow>
}

/**
 * Transform (pure): an interaction as live ingestion would store it — its programs from the
 * model's queue mapping, and the topics of its programs detected in every block — so a
 * recovered interaction looks exactly like a live-ingested one.
 */
export const prepareForIngest = (model: TopicModel, detectorFor: (programs: ReadonlyArray<string>) => Detector) =>
(interaction: Interaction): Ingestible => {
  const programIds = programsForQueue(model, interaction.queueId)
  const detector = detectorFor(programIds)
  const topics: Array<BlockTopicRow> = []
  for (const t of interaction.transcripts) {
    t.blocks.forEach((block, blockIndex) => {
      for (const topicId of [...detector.detectTopics(block)].sort()) {
        topics.push({ interactionId: interaction.id, transcriptId: t.id, blockIndex, topicId })
      }
    })
  }
  return { interaction: { ...interaction, programIds }, topics }
}
