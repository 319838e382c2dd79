import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Stream } from "effect"
import { commandStream, commandStreamWith, IngestSource } from "../../../src/nats/CommandSource.ts"
import { deadLetter } from "../../../src/nats/DeadLetter.ts"
import { publishEvent } from "../../../src/nats/Events.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { ensureTopology } from "../../../src/nats/Topology.ts"
import { testNatsLayer } from "../../helpers/nats.ts"

const lastOn = (stream: string, subject: string) =>
  Effect.gen(function*() {
    const { jsm } = yield* Nats
    return yield* Effect.promise(() => jsm.streams.getMessage(stream, { last_by_subj: subject }))
  })

describe("deadLetter", () => {
  it.live("keeps the original, announces the rejection and never redelivers", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const { js, jsm, names } = yield* Nats
      const original = new TextEncoder().encode(`{"commandId":"c-1","dateStart":"yesterday"`)
      const subject = names.cmd("job.create")
      yield* Effect.promise(() => js.publish(subject, original))
      const msg = yield* commandStream.pipe(Stream.runHead, Effect.map(Option.getOrThrow))
      yield* deadLetter(msg, { reason: "dateStart: expected an ISO-8601 date-time\nwith a zone", field: "dateStart", commandId: "c-1" })

      const dead = yield* lastOn(names.dlqStream, names.dlqSubject(subject))
      expect(dead?.data).toEqual(original)
      expect(dead?.header.get("Rewind-Reason")).toBe("dateStart: expected an ISO-8601 date-time with a zone")
      expect(dead?.header.get("Rewind-Field")).toBe("dateStart")
      expect(dead?.header.get("Rewind-Original-Subject")).toBe(subject)
      expect(dead?.header.get("Rewind-Original-Seq")).toBe(String(msg.streamSeq))

      const event = yield* lastOn(names.evtStream, names.evt("command.rejected"))
      const body = event?.json<Record<string, unknown>>()
      expect(body).toMatchObject({
        commandId: "c-1",
        subject,
        field: "dateStart",
        streamSeq: msg.streamSeq
      })
      expect(Number.isNaN(Date.parse(String(body?.at)))).toBe(false)

      // terminated: gone from the work queue, and nothing comes back
      const cmd = yield* Effect.promise(() => jsm.streams.info(names.cmdStream))
      expect(cmd.state.messages).toBe(0)
      const again = yield* commandStream.pipe(Stream.runHead, Effect.timeoutOption("1500 millis"))
      expect(Option.isNone(again)).toBe(true)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("works without a commandId and stores a repeated rejection once", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const { js, jsm, names } = yield* Nats
      const subject = names.cmd("job.cancel")
      yield* Effect.promise(() => js.publish(subject, "not json at all"))
      const msg = yield* commandStream.pipe(Stream.runHead, Effect.map(Option.getOrThrow))
      // e.g. the daemon crashed after storing the dead letter and the command came back
      yield* deadLetter(msg, { reason: "request body is not valid JSON" })
      yield* deadLetter(msg, { reason: "request body is not valid JSON" })
      const dlq = yield* Effect.promise(() => jsm.streams.info(names.dlqStream))
      expect(dlq.state.messages).toBe(1)
      const dead = yield* lastOn(names.dlqStream, names.dlqSubject(subject))
      expect(dead?.string()).toBe("not json at all")
      expect(dead?.header.has("Rewind-Field")).toBe(false)
      const event = yield* lastOn(names.evtStream, names.evt("command.rejected"))
      const body = event?.json<Record<string, unknown>>()
      expect(body && "commandId" in body).toBe(false)
      expect(body?.reason).toBe("request body is not valid JSON")
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("keeps a command and an ingestion event of the same stream sequence apart", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const { js, jsm, names } = yield* Nats
      const command = names.cmd("job.create")
      const ingest = names.ingestSubject
      // both streams are new: each message is the first of its own
      const cmdSeq = (yield* Effect.promise(() => js.publish(command, "a bad command"))).seq
      const ingestSeq = (yield* Effect.promise(() => js.publish(ingest, "a bad event"))).seq
      expect(ingestSeq).toBe(cmdSeq)
      const cmdMsg = yield* commandStream.pipe(Stream.runHead, Effect.map(Option.getOrThrow))
      const ingestMsg = yield* commandStreamWith({ source: IngestSource }).pipe(Stream.runHead, Effect.map(Option.getOrThrow))
      expect([cmdMsg.stream, ingestMsg.stream]).toEqual([names.cmdStream, names.ingestStream])
      yield* deadLetter(cmdMsg, { reason: "malformed JSON" })
      yield* deadLetter(ingestMsg, { reason: "malformed JSON" })
      // within the dead-letter stream's duplicate window: neither is taken for the other
      const dlq = yield* Effect.promise(() => jsm.streams.info(names.dlqStream))
      expect(dlq.state.messages).toBe(2)
      expect((yield* lastOn(names.dlqStream, names.dlqSubject(command)))?.string()).toBe("a bad command")
      expect((yield* lastOn(names.dlqStream, names.dlqSubject(ingest)))?.string()).toBe("a bad event")
    }).pipe(Effect.provide(testNatsLayer())))
})

describe("publishEvent", () => {
  it.live("stores JSON events in the events stream", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const { names } = yield* Nats
      yield* publishEvent("job.progress", { jobId: "j1", done: 10, total: 100 })
      const event = yield* lastOn(names.evtStream, names.evt("job.progress"))
      expect(event?.json()).toEqual({ jobId: "j1", done: 10, total: 100 })
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("fails with NatsError when no stream stores the subject", () =>
    Effect.gen(function*() {
      // no ensureTopology: nothing listens on the events subjects
      const error = yield* publishEvent("job.progress", {}).pipe(Effect.flip)
      expect(error._tag).toBe("NatsError")
      expect(error.message).toContain("job.progress")
    }).pipe(Effect.provide(testNatsLayer())))
})
