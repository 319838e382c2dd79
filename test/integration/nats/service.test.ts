import { describe, expect, it } from "@effect/vitest"
import { Svcm } from "@nats-io/services"
import { Effect, Exit, Scope } from "effect"
import { Nats } from "../../../src/nats/Nats.ts"
import { ApiError, type Endpoint, requestApi, serveApi } from "../../../src/nats/Service.ts"
import { testNatsLayer } from "../../helpers/nats.ts"

const endpoints: ReadonlyArray<Endpoint> = [
  { name: "echo", handler: (body) => Effect.succeed({ got: body }) },
  { name: "job.get", handler: () => Effect.fail(new ApiError({ code: 404, message: "no job j-9" })) },
  { name: "status", handler: () => Effect.die(new Error("secret internals")) },
  { name: "slow", handler: () => Effect.sleep("300 millis").pipe(Effect.as("done")) }
]

const serve = serveApi({ version: "1.2.3", description: "test service", endpoints })

const rawRequest = (subject: string, payload: string) =>
  Effect.gen(function*() {
    const { nc } = yield* Nats
    const reply = yield* Effect.promise(() => nc.request(subject, payload, { timeout: 5000 }))
    return {
      body: reply.json<unknown>(),
      code: reply.headers?.get("Nats-Service-Error-Code"),
      error: reply.headers?.get("Nats-Service-Error")
    }
  })

describe("serveApi / requestApi", () => {
  it.live("answers requests with JSON results", () =>
    Effect.gen(function*() {
      yield* serve
      expect(yield* requestApi("echo", { a: 1, b: ["x"] })).toEqual({ got: { a: 1, b: ["x"] } })
      // no body means no parameters
      const { names } = yield* Nats
      const raw = yield* rawRequest(names.api("echo"), "")
      expect(raw.body).toEqual({ got: {} })
      expect(raw.code).toBeUndefined()
      // requests run concurrently
      const started = Date.now()
      yield* Effect.all(Array.from({ length: 5 }, () => requestApi("slow", {})), { concurrency: "unbounded" })
      expect(Date.now() - started).toBeLessThan(1200)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("an ApiError comes back as {error:{code,message}} with the service error headers", () =>
    Effect.gen(function*() {
      yield* serve
      const { names } = yield* Nats
      const raw = yield* rawRequest(names.api("job.get"), JSON.stringify({ jobId: "j-9" }))
      expect(raw.body).toEqual({ error: { code: 404, message: "no job j-9" } })
      expect(raw.code).toBe("404")
      expect(raw.error).toBe("no job j-9")
      const err = yield* requestApi("job.get", { jobId: "j-9" }).pipe(Effect.flip)
      expect(err).toBeInstanceOf(ApiError)
      expect(err).toMatchObject({ _tag: "ApiError", code: 404, message: "no job j-9" })
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("malformed JSON gets a 400", () =>
    Effect.gen(function*() {
      yield* serve
      const { names } = yield* Nats
      const raw = yield* rawRequest(names.api("echo"), "{not json")
      expect(raw.code).toBe("400")
      const body = raw.body as { error: { code: number; message: string } }
      expect(body.error.code).toBe(400)
      expect(body.error.message).toMatch(/^request body is not valid JSON: /)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("a body that is not UTF-8 gets a 400 saying where, never a request with U+FFFD in it", () =>
    Effect.gen(function*() {
      yield* serve
      const { nc, names } = yield* Nats
      const bytes = Uint8Array.from([...new TextEncoder().encode("{\"jobId\":\"j"), 0xc3, 0x28, ...new TextEncoder().encode("\"}")])
      const reply = yield* Effect.promise(() => nc.request(names.api("echo"), bytes, { timeout: 5000 }))
      expect(reply.headers?.get("Nats-Service-Error-Code")).toBe("400")
      expect(reply.json<unknown>()).toEqual({ error: { code: 400, message: "request body is not valid JSON: invalid UTF-8 at byte 11 (0xc3)" } })
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("a defect is a 500 with a generic message", () =>
    Effect.gen(function*() {
      yield* serve
      const err = yield* requestApi("status", {}).pipe(Effect.flip)
      expect(err).toMatchObject({ _tag: "ApiError", code: 500 })
      expect(err.message).not.toContain("secret")
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("shows up in the services framework discovery", () =>
    Effect.gen(function*() {
      yield* serve
      const { nc, names } = yield* Nats
      const client = new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).client()
      const infos = yield* Effect.promise(async () => {
        const out = []
        for await (const i of await client.info("rewind")) out.push(i)
        return out
      })
      const ours = infos.find((i) => i.metadata?.prefix === names.prefix)
      expect(ours).toMatchObject({ name: "rewind", version: "1.2.3", description: "test service" })
      expect(ours?.endpoints.map((e) => [e.name, e.subject]).sort()).toEqual([
        ["echo", names.api("echo")],
        ["job_get", names.api("job.get")],
        ["slow", names.api("slow")],
        ["status", names.api("status")]
      ])
      expect(ours?.endpoints.every((e) => e.queue_group !== undefined && e.queue_group !== "")).toBe(true)
      const pings = yield* Effect.promise(async () => {
        const out = []
        for await (const p of await client.ping("rewind")) out.push(p)
        return out
      })
      expect(pings.some((p) => p.id === ours?.id)).toBe(true)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("two instances share the load in one queue group", () =>
    Effect.gen(function*() {
      let a = 0
      let b = 0
      const count = (inc: () => void): ReadonlyArray<Endpoint> => [
        { name: "echo", handler: (body) => Effect.sync(inc).pipe(Effect.as(body)) }
      ]
      yield* serveApi({ version: "1.0.0", description: "a", endpoints: count(() => a++) })
      yield* serveApi({ version: "1.0.0", description: "b", endpoints: count(() => b++) })
      for (let i = 0; i < 40; i++) yield* requestApi("echo", { i })
      expect(a + b).toBe(40)
      expect(a).toBeGreaterThan(0)
      expect(b).toBeGreaterThan(0)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("stops when its scope closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      yield* serve.pipe(Scope.provide(scope))
      expect(yield* requestApi("echo", 1)).toEqual({ got: 1 })
      yield* Scope.close(scope, Exit.void)
      const err = yield* requestApi("echo", 1, 2000).pipe(Effect.flip)
      expect(err._tag).toBe("NatsError")
      expect(err.message).toContain("no Rewind daemon is answering")
    }).pipe(Effect.provide(testNatsLayer())))
})
