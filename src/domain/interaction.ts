import * as Schema from "effect/Schema"
import { MediaTypeLiteral } from "./media.ts"

export const Participant = Schema.Literals(["external", "internal"])
export type Participant = typeof Participant.Type

export const Direction = Schema.Literals(["inbound", "outbound"])
export type Direction = typeof Direction.Type

/** One utterance of a transcript. */
export const Block = Schema.Struct({
  participant: Participant,
  offsetMs: Schema.Int,
  text: Schema.String
})
export type Block = typeof Block.Type

/** One communication's transcript: its blocks in order. */
export const Transcript = Schema.Struct({
  id: Schema.NonEmptyString,
  blocks: Schema.Array(Block)
})
export type Transcript = typeof Transcript.Type

/** The interaction's metadata as the store keeps it (without transcripts). */
export const InteractionMeta = Schema.Struct({
  id: Schema.NonEmptyString,
  startTime: Schema.String,
  endTime: Schema.String,
  mediaType: MediaTypeLiteral,
  direction: Direction,
  queueId: Schema.String,
  divisionId: Schema.String,
  agentIds: Schema.Array(Schema.String),
  language: Schema.String,
  programIds: Schema.Array(Schema.String)
})
export type InteractionMeta = typeof InteractionMeta.Type

export const Interaction = Schema.Struct({
  ...InteractionMeta.fields,
  transcripts: Schema.Array(Transcript)
})
export type Interaction = typeof Interaction.Type

/** Address of one block in the store. */
export interface BlockKey {
  readonly interactionId: string
  readonly transcriptId: string
  readonly blockIndex: number
}

export const blockKeyString = (k: BlockKey): string => `${k.interactionId}\u0000${k.transcriptId}\u0000${k.blockIndex}`

/** Paging key of interactions: (startTime, id), strictly increasing. */
export interface PageKey {
  readonly startTime: string
  readonly id: string
}

/** Order of paging keys: negative when `a` comes before `b` (the store's (startTime, id) order). */
export const comparePageKeys = (a: PageKey, b: PageKey): number => {
  const ta = Date.parse(a.startTime)
  const tb = Date.parse(b.startTime)
  if (ta !== tb) return ta < tb ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
