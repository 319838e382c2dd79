import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Nats } from "../../../src/nats/Nats.ts"
import { makeNames } from "../../../src/nats/names.ts"
import { CommandMaxDeliver, ensureTopology } from "../../../src/nats/Topology.ts"
import { testNatsLayer, uniquePrefix } from "../../helpers/nats.ts"

describe("names", () => {
  it("derive every name from the prefix", () => {
    const n = makeNames("acme-prod")
    expect(n.cmdSubjects).toBe("acme-prod.cmd.>")
    expect(n.cmd("job.create")).toBe("acme-prod.cmd.job.create")
    expect(n.evt("job.progress")).toBe("acme-prod.evt.job.progress")
    expect(n.api("job.get")).toBe("acme-prod.api.job.get")
    expect(n.dlqSubject("acme-prod.cmd.job.create")).toBe("acme-prod.dlq.acme-prod.cmd.job.create")
    expect(n.cmdStream).toBe("ACME-PROD_CMD")
    expect(n.dlqStream).toBe("ACME-PROD_DLQ")
    expect(n.evtStream).toBe("ACME-PROD_EVT")
    expect(n.cmdConsumer).toBe("acme-prod-daemon")
    expect(n.jobsBucket).toBe("acme-prod-jobs")
    expect(n.topicsBucket).toBe("acme-prod-topics")
    expect(n.commandsBucket).toBe("acme-prod-commands")
    expect(n.recoveryBucket).toBe("acme-prod-recovery")
    expect(n.exportsBucket).toBe("acme-prod-exports")
    expect(n.serviceName).toBe("rewind")
    expect(makeNames("rewind").cmdStream).toBe("REWIND_CMD")
  })
})

describe("ensureTopology", () => {
  it.live("creates everything and is idempotent", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      yield* ensureTopology
      const { jsm, kvm, objm, names } = yield* Nats
      const cmd = yield* Effect.promise(() => jsm.streams.info(names.cmdStream))
      expect(cmd.config.subjects).toEqual([names.cmdSubjects])
      expect(cmd.config.max_msg_size).toBe(-1) // the server's max_payload governs
      expect(cmd.config.duplicate_window).toBe(2 * 60 * 1e9)
      expect(cmd.config.storage).toBe("file")
      const evt = yield* Effect.promise(() => jsm.streams.info(names.evtStream))
      expect(evt.config.max_age).toBe(24 * 3600 * 1e9)
      const dlq = yield* Effect.promise(() => jsm.streams.info(names.dlqStream))
      expect(dlq.config.subjects).toEqual([`${names.prefix}.dlq.>`])
      const consumer = yield* Effect.promise(() => jsm.consumers.info(names.cmdStream, names.cmdConsumer))
      expect(consumer.config.ack_policy).toBe("explicit")
      expect(consumer.config.ack_wait).toBe(60 * 1e9)
      expect(consumer.config.max_deliver).toBe(CommandMaxDeliver)
      expect(consumer.config.filter_subject).toBe(names.cmdSubjects)
      const jobs = yield* Effect.promise(() => kvm.open(names.jobsBucket).then((kv) => kv.status()))
      expect(jobs.history).toBe(5)
      const topics = yield* Effect.promise(() => kvm.open(names.topicsBucket).then((kv) => kv.status()))
      expect(topics.history).toBe(1)
      const commands = yield* Effect.promise(() => kvm.open(names.commandsBucket).then((kv) => kv.status()))
      expect(commands.ttl).toBe(7 * 24 * 3600 * 1000)
      const recovery = yield* Effect.promise(() => kvm.open(names.recoveryBucket).then((kv) => kv.status()))
      expect(recovery.history).toBe(5)
      const exports = yield* Effect.promise(() => objm.open(names.exportsBucket).then((os) => os.status()))
      expect(exports.bucket).toBe(names.exportsBucket)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("brings changed limits back in line", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const { jsm, names } = yield* Nats
      yield* Effect.promise(() => jsm.consumers.update(names.cmdStream, names.cmdConsumer, { max_deliver: 9 }))
      yield* Effect.promise(() => jsm.streams.update(`KV_${names.jobsBucket}`, { max_msgs_per_subject: 2 }))
      yield* ensureTopology
      const consumer = yield* Effect.promise(() => jsm.consumers.info(names.cmdStream, names.cmdConsumer))
      expect(consumer.config.max_deliver).toBe(CommandMaxDeliver)
      const jobs = yield* Effect.promise(() => jsm.streams.info(`KV_${names.jobsBucket}`))
      expect(jobs.config.max_msgs_per_subject).toBe(5)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("lifts the message size limits of streams created before: the server's max_payload governs", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const { jsm, names } = yield* Nats
      const MiB = 1024 * 1024
      // the limits an earlier version gave them
      yield* Effect.promise(() => jsm.streams.update(names.cmdStream, { max_msg_size: MiB }))
      yield* Effect.promise(() => jsm.streams.update(names.ingestStream, { max_msg_size: MiB }))
      yield* Effect.promise(() => jsm.streams.update(names.dlqStream, { max_msg_size: 2 * MiB }))
      yield* ensureTopology
      for (const stream of [names.cmdStream, names.ingestStream, names.dlqStream]) {
        const info = yield* Effect.promise(() => jsm.streams.info(stream))
        expect(info.config.max_msg_size, stream).toBe(-1)
      }
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("two daemons starting at once both succeed", () =>
    Effect.gen(function*() {
      const prefix = uniquePrefix()
      yield* Effect.all([
        ensureTopology.pipe(Effect.provide(testNatsLayer(prefix))),
        ensureTopology.pipe(Effect.provide(testNatsLayer(prefix)))
      ], { concurrency: 2 })
    }))
})
