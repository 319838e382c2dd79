import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { ModelRepo } from "../repos/ModelRepo.ts"
import { loadTopicModelFile, parseTopicModelFile } from "../topics/loadModel.ts"
import { PlatformClient } from "../platform/PlatformClient.ts"
import { stringify as stringifyYaml } from "yaml"
import { terminalSafe } from "../domain/terminalText.ts"
import { NatsReposLayer } from "./client.ts"
import { CliFailure, emit, table } from "./output.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Machine-readable JSON output"), Flag.withDefault(false))

const push = Command.make("push", {
  file: Argument.String("file").pipe(Argument.withDescription("Topic model file (.yaml, .yml or .json)")),
  pushedBy: Flag.String("pushed-by").pipe(Flag.optional),
  json
}, (f) =>
  Effect.gen(function*() {
    const model = yield* loadTopicModelFile(f.file).pipe(Effect.mapError((e) => new CliFailure(e.message)))
    const rev = yield* Effect.gen(function*() {
      return yield* (yield* ModelRepo).push(model, Option.getOrElse(f.pushedBy, () => process.env["USER"] ?? "cli"))
    }).pipe(Effect.provide(NatsReposLayer))
    yield* emit(f.json, { revision: rev.revision, programs: model.programs.length, topics: model.topics.length }, () =>
      `pushed topic model revision ${rev.revision}: ${model.programs.length} programs, ${model.topics.length} topics`)
  })).pipe(Command.withDescription("Validate a topic model file and store it as a new revision"))

const show = Command.make("show", {
  revision: Flag.Int("revision").pipe(Flag.withDescription("A past revision (default: current)"), Flag.optional),
  json
}, (f) =>
  Effect.gen(function*() {
    const repo = yield* ModelRepo
    const rev = yield* Option.match(f.revision, { onNone: () => repo.current(), onSome: (n) => repo.get(n) })
    if (Option.isNone(rev)) return yield* Effect.fail(new CliFailure("no such topic model revision (push one with `rewind topics push FILE`)"))
    const m = rev.value
    yield* emit(f.json, m, () =>
      `revision ${m.revision}, pushed ${m.pushedAt} by ${terminalSafe(m.pushedBy)}\n\n` +
      table(["PROGRAM", "NAME", "QUEUES", "TOPICS"], m.model.programs.map((p) => [p.id, p.name, p.queues.join(","), String(p.topics.length)])) +
      "\n\n" +
      table(["TOPIC", "NAME", "PARTICIPANTS", "PHRASES"], m.model.topics.map((t) => [t.id, t.name, t.participants, String(t.phrases.length)])))
  }).pipe(Effect.provide(NatsReposLayer))).pipe(Command.withDescription("Show the current (or a past) topic model revision"))

const importCmd = Command.make("import", {
  push: Flag.Boolean("push").pipe(Flag.withDescription("Store it as a new revision (default: print it as YAML)"), Flag.withDefault(false)),
  json
}, (f) =>
  Effect.gen(function*() {
    const platform = yield* PlatformClient
    const raw = yield* platform.staTopicModel()
    // The platform's configuration is validated like any pushed file.
    const model = yield* parseTopicModelFile(JSON.stringify(raw), "platform.json").pipe(
      Effect.mapError((e) => new CliFailure(`the platform's STA configuration is not a valid topic model: ${e.message}`))
    )
    if (!f.push) return yield* Console.log(f.json ? JSON.stringify(model, null, 2) : stringifyYaml(model))
    const rev = yield* Effect.gen(function*() {
      return yield* (yield* ModelRepo).push(model, "topics import")
    }).pipe(Effect.provide(NatsReposLayer))
    yield* emit(f.json, { revision: rev.revision, programs: model.programs.length, topics: model.topics.length }, () =>
      `imported the platform's STA topics as revision ${rev.revision}: ${model.programs.length} programs, ${model.topics.length} topics`)
  }).pipe(Effect.provide(PlatformClient.layer))).pipe(Command.withDescription(
  "Build a topic model from the platform's STA topics, programs and mappings (PLATFORM_* settings)"
))

export const topicsCommand = Command.make("topics").pipe(
  Command.withDescription("Topic model revisions"),
  Command.withSubcommands([push, show, importCmd])
)
