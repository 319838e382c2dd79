/**
 * Read a topic model file (YAML or JSON, chosen by extension) and decode it with the
 * `TopicModel` schema: every problem is reported with its field path, unknown keys are refused.
 */
import { readFile } from "node:fs/promises"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as Yaml from "yaml"
import { TopicModel } from "../domain/topicModel.ts"

export class TopicModelFileError extends Schema.TaggedError<TopicModelFileError>()("TopicModelFileError", {
  message: Schema.String
}) {}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** `["topics", 0, "phrases", 1]` → `topics[0].phrases[1]`. */
const formatPath = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>): string => {
  let out = ""
  for (const segment of path) {
    const key = typeof segment === "object" ? segment.key : segment
    if (typeof key === "number") out += `[${key}]`
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out
}

/** One line per problem: `path: message` (or just the message for whole-model checks). */
const formatIssue = (issue: SchemaIssue.Issue): string =>
  formatter(issue)
    .issues.map((i) => {
      const path = formatPath(i.path ?? [])
      return path === "" ? i.message : `${path}: ${i.message}`
    })
    .join("\n")

const parseText = (text: string, fileName: string): Effect.Effect<unknown, TopicModelFileError> => {
  const lower = fileName.toLowerCase()
  if (lower.endsWith(".json")) {
    return Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) => new TopicModelFileError({ message: `${fileName}: invalid JSON: ${(e as Error).message}` })
    })
  }
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
    return Effect.try({
      try: () => Yaml.parse(text) as unknown,
      catch: (e) => new TopicModelFileError({ message: `${fileName}: invalid YAML: ${(e as Error).message}` })
    })
  }
  return Effect.fail(
    new TopicModelFileError({ message: `${fileName}: unsupported file type (expected .yaml, .yml or .json)` })
  )
}

/** Parse and decode a topic model file's text; the extension of `fileName` picks YAML or JSON. */
export const parseTopicModelFile = (text: string, fileName: string): Effect.Effect<TopicModel, TopicModelFileError> =>
  parseText(text, fileName).pipe(
    Effect.flatMap((input) =>
      Schema.decodeUnknownEffect(TopicModel)(input, { errors: "all", onExcessProperty: "error" }).pipe(
        Effect.mapError(
          (e) => new TopicModelFileError({ message: `${fileName}: invalid topic model:\n${formatIssue(e.issue)}` })
        )
      )
    )
  )

/** Read and parse a topic model file. */
export const loadTopicModelFile = (path: string): Effect.Effect<TopicModel, TopicModelFileError> =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (e) => new TopicModelFileError({ message: `${path}: cannot read: ${(e as Error).message}` })
  }).pipe(
    Effect.flatMap((text) => parseTopicModelFile(text, path)),
    Effect.withSpan("topics.loadTopicModelFile", { attributes: { path } })
  )
