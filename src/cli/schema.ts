import { Console, Effect, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { contract } from "../domain/contract.ts"

const doc = (s: Schema.Top) => Schema.toJsonSchemaDocument(s as never)

/** JSON Schemas of every command, query, answer and event, generated from the code's schemas. */
export const contractJsonSchemas = (prefix: string) => {
  const out: Record<string, unknown> = {}
  for (const [k, s] of Object.entries(contract.commands)) out[`${prefix}.${k}`] = doc(s)
  for (const [k, q] of Object.entries(contract.queries)) {
    out[`${prefix}.${k}`] = { request: doc(q.request), answer: doc(q.answer) }
  }
  for (const [k, s] of Object.entries(contract.events)) out[`${prefix}.${k}`] = doc(s)
  for (const [k, s] of Object.entries(contract.errors)) out[`${prefix}.${k} (error)`] = doc(s)
  return out
}

export const schemaCommand = Command.make("schema", {
  prefix: Flag.String("prefix").pipe(Flag.withDescription("Subject prefix"), Flag.withDefault(process.env["REWIND_PREFIX"] ?? "rewind")),
  subject: Flag.String("subject").pipe(Flag.withDescription("Only this subject, e.g. rewind.cmd.job.create"), Flag.optional)
}, (f) =>
  Effect.gen(function*() {
    const all = contractJsonSchemas(f.prefix)
    const selected = f.subject._tag === "Some" ? { [f.subject.value]: all[f.subject.value] ?? null } : all
    yield* Console.log(JSON.stringify(selected, null, 2))
  })).pipe(Command.withDescription("JSON Schemas of all commands, queries, answers and events"))
