/**
 * Block topics: initial topics, a job's changes at its version, "topics before version V",
 * current topics, and replays (rule 6: a redelivered batch changes nothing).
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import type { Interaction, InteractionMeta } from "../../../src/domain/interaction.ts"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import { type BlockTopicRow, InteractionStore } from "../../../src/store/InteractionStore.ts"
import { selectRows } from "../../../src/store/sql.ts"
import { TopicWriter } from "../../../src/store/TopicWriter.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { testStoreLayer } from "./storeTestLayer.ts"

const interaction = (id: string, startTime: string, texts: ReadonlyArray<ReadonlyArray<string>>): Interaction => ({
  id,
  startTime,
  endTime: new Date(Date.parse(startTime) + 600_000).toISOString(),
  mediaType: "chat",
  direction: "inbound",
  queueId: "q-billing",
  divisionId: "div-north",
  agentIds: ["ag-001"],
  language: "en-us",
  programIds: ["p-billing"],
  transcripts: texts.map((blocks, t) => ({
    id: `${id}-c${t + 1}`,
    blocks: blocks.map((text, k) => ({ participant: k % 2 === 0 ? "external" : "internal", offsetMs: k * 1000, text }))
  }))
})

const metaOf = ({ transcripts: _, ...meta }: Interaction): InteractionMeta => meta

const a = interaction("ix-a", "2026-03-02T10:00:00.000Z", [["I want to cancel", "Sure", "thanks"], ["bye"]])
const b = interaction("ix-b", "2026-03-02T11:00:00.000Z", [["my bill is wrong", "let me check"]])
const key = (i: Interaction, t: number, blockIndex: number) => ({
  interactionId: i.id,
  transcriptId: `${i.id}-c${t + 1}`,
  blockIndex
})
const row = (i: Interaction, t: number, blockIndex: number, topicId: string): BlockTopicRow => ({
  ...key(i, t, blockIndex),
  topicId
})

const show = (rows: ReadonlyArray<BlockTopicRow>) =>
  rows.map((r) => `${r.interactionId}/${r.transcriptId}/${r.blockIndex}:${r.topicId}`)

const initial = [row(a, 0, 0, "x"), row(a, 0, 0, "y"), row(a, 0, 1, "z"), row(a, 1, 0, "x"), row(b, 0, 0, "x")]

const jobOne = [
  { key: key(a, 0, 0), added: ["w"], removed: ["x"] },
  { key: key(a, 0, 1), added: [], removed: ["z"] }
]

const count = (sql: string) =>
  Effect.gen(function*() {
    const { client, database } = yield* ClickHouse
    const rows = yield* selectRows<[number | string]>(client, "test", sql.replaceAll("$db", `\`${database}\``), {})
    return Number(rows[0]![0])
  })

describe.each(backends)("store on %s", (backend) => {
  layer(testStoreLayer("topics", backend), { timeout: 60_000 })("block topics", (it) => {
    it.effect("versions, replays, topicsBefore and currentTopics", () =>
      Effect.gen(function*() {
        const store = yield* InteractionStore
        const writer = yield* TopicWriter
        const page = [metaOf(a), metaOf(b)]
        yield* store.insertInteractions([a, b], "seed", initial, 0)

        const initialShown = show(initial).sort()
        assert.deepStrictEqual(show(yield* store.topicsBefore(page, 1)), initialShown)
        assert.deepStrictEqual(show(yield* store.currentTopics([a.id, b.id])), initialShown)
        assert.deepStrictEqual(show(yield* store.currentTopics([b.id])), ["ix-b/ix-b-c1/0:x"])
        assert.deepStrictEqual(yield* store.topicsBefore(page, 0), [], "nothing stands before version 0")

        // Job 1 at version 5, delivered three times (a crash and two redeliveries).
        for (let k = 0; k < 3; k++) yield* writer.write("job-1", 5, jobOne)
        const afterJobOne = ["ix-a/ix-a-c1/0:w", "ix-a/ix-a-c1/0:y", "ix-a/ix-a-c2/0:x", "ix-b/ix-b-c1/0:x"]
        assert.deepStrictEqual(show(yield* store.currentTopics([a.id, b.id])), afterJobOne)
        // What job 1 compares against is still the state before it: a replay decides the same.
        assert.deepStrictEqual(show(yield* store.topicsBefore(page, 5)), initialShown)
        assert.deepStrictEqual(show(yield* store.topicsBefore(page, 6)), afterJobOne)

        // Job 2 at version 7 puts z back on block 1 and removes w from block 0.
        yield* writer.write("job-2", 7, [
          { key: key(a, 0, 1), added: ["z"], removed: [] },
          { key: key(a, 0, 0), added: [], removed: ["w"] }
        ])
        const afterJobTwo = ["ix-a/ix-a-c1/0:y", "ix-a/ix-a-c1/1:z", "ix-a/ix-a-c2/0:x", "ix-b/ix-b-c1/0:x"]
        assert.deepStrictEqual(show(yield* store.currentTopics([a.id, b.id])), afterJobTwo)
        assert.deepStrictEqual(show(yield* store.topicsBefore(page, 7)), afterJobOne)
        assert.deepStrictEqual(show(yield* store.topicsBefore(page, 5)), initialShown)

        // A late redelivery of job 1's batch does not undo job 2.
        yield* writer.write("job-1", 5, jobOne)
        assert.deepStrictEqual(show(yield* store.currentTopics([a.id, b.id])), afterJobTwo)

        // Re-inserting the interactions with their initial topics (a replayed seed) changes nothing.
        yield* store.insertInteractions([a, b], "seed", initial, 0)
        assert.deepStrictEqual(show(yield* store.currentTopics([a.id, b.id])), afterJobTwo)

        // Physically: one row per (block, topic, version), one history row per change.
        assert.strictEqual(yield* count("SELECT count() FROM $db.block_topics FINAL"), initial.length + 3 + 2)
        assert.strictEqual(yield* count("SELECT count() FROM $db.block_topic_history FINAL WHERE job_id = 'job-1'"), 3)
        assert.strictEqual(
          yield* count("SELECT count() FROM $db.block_topic_history FINAL WHERE job_id = 'job-2' AND change = 'removed'"),
          1
        )
        // Initial topics (seed, ingestion) have no history; every history row names its job.
        assert.strictEqual(yield* count("SELECT count() FROM $db.block_topic_history"), yield* count("SELECT count() FROM $db.block_topic_history WHERE job_id IN ('job-1', 'job-2')"))
        assert.strictEqual(yield* count("SELECT count() FROM $db.block_topic_history FINAL"), 3 + 2)

        // Empty inputs.
        yield* writer.write("job-3", 9, [])
        yield* writer.write("job-3", 9, [{ key: key(a, 0, 0), added: [], removed: [] }])
        assert.deepStrictEqual(yield* store.currentTopics([]), [])
        assert.deepStrictEqual(yield* store.topicsBefore([], 10), [])
        assert.deepStrictEqual(yield* store.currentTopics(["ix-unknown"]), [])
      }))

    it.effect("text with tabs, newlines, backslashes, quotes and emoji round-trips", () =>
      Effect.gen(function*() {
        const store = yield* InteractionStore
        const texts = [
          "tab\there",
          "two\nlines\r\nwindows",
          "back\\slash \\t not a tab \\\\",
          "quotes ' \" `",
          "NUL \u0000 bell \u0007 form \f",
          "émoji 🎧 — ü ñ ç 中文",
          ""
        ]
        const odd = interaction("ix-odd", "2026-04-01T00:00:00.000Z", [texts])
        yield* store.insertInteractions([odd], "ingest")
        const blocks = yield* store.loadBlocks([metaOf(odd)])
        assert.deepStrictEqual(blocks.map((x) => x.text), texts)
        assert.deepStrictEqual(
          blocks.map((x) => [x.participant, x.offsetMs]),
          texts.map((_, k) => [k % 2 === 0 ? "external" : "internal", k * 1000])
        )
      }))

    it.effect("a job's topics on ids with tabs, newlines and backslashes are written and read back as they are", () =>
      Effect.gen(function*() {
        const store = yield* InteractionStore
        const writer = yield* TopicWriter
        const odd = interaction("ix-\todd\\n\nid\r\u0000", "2026-04-02T00:00:00.000Z", [["hello", "there"]])
        yield* store.insertInteractions([odd], "ingest")
        const topics = ["topic\twith\\tab", "plain", "new\nline"]
        yield* writer.write("job-odd", 9, [{ key: key(odd, 0, 0), added: topics, removed: [] }, { key: key(odd, 0, 1), added: ["plain"], removed: [] }])
        assert.deepStrictEqual(
          show(yield* store.currentTopics([odd.id])),
          show([...topics.map((t) => row(odd, 0, 0, t)), row(odd, 0, 1, "plain")]).sort()
        )
      }))
  })
})
