import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"

/** Rewind's canonical media types. */
export const MediaTypes = ["voice", "callback", "chat", "email", "message"] as const
export type MediaType = (typeof MediaTypes)[number]
export const MediaTypeLiteral = Schema.Literals(MediaTypes)

/** Genesys reprocessing API names, accepted on input and folded to ours. */
const genesysAliases: Record<string, MediaType> = {
  Call: "voice",
  Callback: "callback",
  Chat: "chat",
  Email: "email",
  Message: "message"
}

const accepted = [...MediaTypes, ...Object.keys(genesysAliases)] as const

/** A media type in either spelling, as a user gave it (read back that way). */
export const MediaTypeName = Schema.Literals(accepted as unknown as ReadonlyArray<string>)

/**
 * A media type as it arrives in a command: ours (`voice`, `chat`, …) or Genesys'
 * (`Call`, `Chat`, …). Decodes to ours.
 */
export const MediaType = Schema.Literals(accepted as unknown as ReadonlyArray<string>).pipe(
  Schema.decodeTo(MediaTypeLiteral, {
    decode: SchemaGetter.transform((s: string) => (genesysAliases[s] ?? s) as MediaType),
    encode: SchemaGetter.transform((m: MediaType) => m as string)
  })
)

/** Media types whose content is text (recoverable from the platform). */
export const TextMediaTypes: ReadonlyArray<MediaType> = ["chat", "email", "message"]

/** The names a command may give the text media types: ours and Genesys'. */
export const TextMediaTypeNames: ReadonlyArray<string> = accepted.filter((n) => TextMediaTypes.includes(genesysAliases[n] ?? (n as MediaType)))
