import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as JsonSchema from "effect/JsonSchema"
import * as Schema from "effect/Schema"
import { Command, Flag } from "effect/cli"
import { contract } from "../domain/contract.ts"
import { fail } from "./output.ts"

/**
 * One standalone JSON Schema (draft 2020-12). What the daemon decodes (commands, query
 * requests) it decodes strictly, so their objects are closed (`additionalProperties: false`);
 * what it sends (answers, events) may gain fields, so those stay open.
 */
const jsonSchema = (s: Schema.Top, strict: boolean) => {
  const d = Schema.toJsonSchemaDocument(s as never, { onExcessProperty: strict ? "error" : "ignore" })
  return {
    $schema: JsonSchema.META_SCHEMA_URI_DRAFT_2020_12,
    ...d.schema,
    ...(Object.keys(d.definitions).length > 0 ? { $defs: d.definitions } : {})
  }
}

/** JSON Schemas of every command, query, answer and event, generated from the code's schemas. */
export const contractJsonSchemas = (prefix: string) => {
  const out: Record<string, unknown> = {}
  for (const [k, s] of Object.entries(contract.commands)) out[`${prefix}.${k}`] = jsonSchema(s, true)
  for (const [k, q] of Object.entries(contract.queries)) {
    out[`${prefix}.${k}`] = { request: jsonSchema(q.request, true), answer: jsonSchema(q.answer, false) }
  }
  for (const [k, s] of Object.entries(contract.events)) out[`${prefix}.${k}`] = jsonSchema(s, false)
  for (const [k, s] of Object.entries(contract.errors)) out[`${prefix}.${k} (error)`] = jsonSchema(s, false)
  for (const [k, s] of Object.entries(contract.ingest)) out[`${prefix}.${k}`] = jsonSchema(s, true)
  return out
}

/** The schema's key for `subject`: itself, or the `<id>` pattern it is an instance of (rewind.evt.job.j1). */
export const subjectKey = (keys: ReadonlyArray<string>, subject: string): string | undefined =>
  keys.includes(subject)
    ? subject
    : keys.find((k) =>
      k.includes("<") &&
      new RegExp(`^${k.split(/<[^>]*>/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^.]+")}$`).test(subject)
    )

export const schemaCommand = Command.make("schema", {
  prefix: Flag.String("prefix").pipe(Flag.withDescription("Subject prefix"), Flag.withDefault(process.env["REWIND_PREFIX"] ?? "rewind")),
  subject: Flag.String("subject").pipe(Flag.withDescription("Only this subject, e.g. rewind.cmd.job.create"), Flag.optional)
}, (f) =>
  Effect.gen(function*() {
    const all = contractJsonSchemas(f.prefix)
    if (f.subject._tag === "None") return yield* Console.log(JSON.stringify(all, null, 2))
    const subject = f.subject.value
    const key = subjectKey(Object.keys(all), subject)
    if (key === undefined) return yield* fail(`no such subject: ${subject} (known: ${Object.keys(all).join(", ")})`)
    const selected = { [key]: all[key] }
    yield* Console.log(JSON.stringify(selected, null, 2))
  })).pipe(Command.withDescription("JSON Schemas of all commands, queries, answers and events"))
