import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import { diffModels, isEmptyDiff, type ModelDiff } from "../domain/modelDiff.ts"
import { ModelRepo } from "../repos/ModelRepo.ts"
import { pushModel } from "../repos/pushModel.ts"
import { loadTopicModelFile, parseTopicModelFile } from "../topics/loadModel.ts"
import { PlatformClient } from "../platform/PlatformClient.ts"
import { stringify as stringifyYaml } from "yaml"
import { terminalSafe } from "../domain/terminalText.ts"
import { NatsReposLayer } from "../client/natsClient.ts"
import { CliFailure, emit, table } from "./output.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Machine-readable JSON output"), Flag.withDefault(false))

/** A model diff as lines for a terminal (text from the model is made terminal-safe by `emit`). */
const diffText = (d: ModelDiff): string => {
  if (isEmptyDiff(d)) return "no changes"
  const lines: Array<string> = []
  const list = (label: string, xs: ReadonlyArray<string>) => (xs.length > 0 ? lines.push(`${label}: ${xs.join(", ")}`) : 0)
  list("topics added", d.topicsAdded.map((t) => `${t.id} (${t.name})`))
  list("topics removed", d.topicsRemoved.map((t) => `${t.id} (${t.name})`))
  for (const c of d.topicsChanged) {
    const parts = [
      c.phrasesAdded.length > 0 ? `+ ${c.phrasesAdded.map((p) => JSON.stringify(p)).join(", ")}` : "",
      c.phrasesRemoved.length > 0 ? `- ${c.phrasesRemoved.map((p) => JSON.stringify(p)).join(", ")}` : "",
      c.participants ? `participants ${c.participants.from} → ${c.participants.to}` : "",
      c.renamed ? `renamed ${JSON.stringify(c.renamed.from)} → ${JSON.stringify(c.renamed.to)}` : ""
    ].filter((x) => x !== "")
    lines.push(`topic ${c.id}: ${parts.join("; ")}`)
  }
  list("programs added", d.programsAdded.map((p) => `${p.id} (${p.name})`))
  list("programs removed", d.programsRemoved.map((p) => `${p.id} (${p.name})`))
  for (const p of d.programsChanged) {
    const parts = [
      p.topicsLinked.length > 0 ? `links ${p.topicsLinked.join(", ")}` : "",
      p.topicsUnlinked.length > 0 ? `unlinks ${p.topicsUnlinked.join(", ")}` : "",
      p.queuesAdded.length > 0 ? `+ queues ${p.queuesAdded.join(", ")}` : "",
      p.queuesRemoved.length > 0 ? `- queues ${p.queuesRemoved.join(", ")}` : ""
    ].filter((x) => x !== "")
    lines.push(`program ${p.id}: ${parts.join("; ")}`)
  }
  lines.push(d.programsAffected.length > 0 ? `programs to reprocess: ${d.programsAffected.join(", ")}` : "no program's detection changed")
  return lines.join("\n")
}

const push = Command.make("push", {
  file: Argument.String("file").pipe(Argument.withDescription("Topic model file (.yaml, .yml or .json)")),
  pushedBy: Flag.String("pushed-by").pipe(Flag.optional),
  json
}, (f) =>
  Effect.gen(function*() {
    const model = yield* loadTopicModelFile(f.file).pipe(Effect.mapError((e) => new CliFailure(e.message)))
    const { revision: rev, diff } = yield* pushModel(model, Option.getOrElse(f.pushedBy, () => process.env["USER"] ?? "cli"))
      .pipe(Effect.provide(NatsReposLayer))
    yield* emit(f.json, { revision: rev.revision, programs: model.programs.length, topics: model.topics.length, diff }, () =>
      `pushed topic model revision ${rev.revision}: ${model.programs.length} programs, ${model.topics.length} topics\n` +
      diffText(diff))
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
    const { revision: rev } = yield* pushModel(model, "topics import").pipe(Effect.provide(NatsReposLayer))
    yield* emit(f.json, { revision: rev.revision, programs: model.programs.length, topics: model.topics.length }, () =>
      `imported the platform's STA topics as revision ${rev.revision}: ${model.programs.length} programs, ${model.topics.length} topics`)
  }).pipe(Effect.provide(PlatformClient.layer))).pipe(Command.withDescription(
  "Build a topic model from the platform's STA topics, programs and mappings (PLATFORM_* settings)"
))

const diff = Command.make("diff", {
  from: Flag.Int("from").pipe(Flag.withDescription("Older revision (default: the one before --to)"), Flag.optional),
  to: Flag.Int("to").pipe(Flag.withDescription("Newer revision (default: current)"), Flag.optional),
  json
}, (f) =>
  Effect.gen(function*() {
    const repo = yield* ModelRepo
    const to = yield* Option.match(f.to, { onNone: () => repo.current(), onSome: (n) => repo.get(n) })
    if (Option.isNone(to)) return yield* Effect.fail(new CliFailure("no such topic model revision (push one with `rewind topics push FILE`)"))
    const fromRevision = Option.getOrElse(f.from, () => to.value.revision - 1)
    const from = fromRevision < 1 ? Option.none() : yield* repo.get(fromRevision)
    if (fromRevision >= 1 && Option.isNone(from)) return yield* Effect.fail(new CliFailure(`no topic model revision ${fromRevision}`))
    const d = diffModels(Option.getOrUndefined(Option.map(from, (m) => m.model)), to.value.model)
    yield* emit(f.json, { from: fromRevision < 1 ? null : fromRevision, to: to.value.revision, diff: d }, () =>
      `revision ${fromRevision < 1 ? "(none)" : fromRevision} → ${to.value.revision}\n${diffText(d)}`)
  }).pipe(Effect.provide(NatsReposLayer))).pipe(Command.withDescription(
  "What changed between two topic model revisions, and which programs a reprocessing job should cover"
))

export const topicsCommand = Command.make("topics").pipe(
  Command.withDescription("Topic model revisions"),
  Command.withSubcommands([push, show, diff, importCmd])
)
