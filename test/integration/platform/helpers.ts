/**
 * Client ↔ simulator over real HTTP: a simulator per suite, a fresh client (fresh counters)
 * per run.
 */
import { Cause, Effect, Exit, Redacted } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { PlatformClient } from "../../../src/platform/PlatformClient.ts"
import type { PlatformSettings } from "../../../src/platform/PlatformConfig.ts"
import type { Interaction } from "../../../src/domain/interaction.ts"
import type { PlatformConversation } from "../../../src/platform/convert.ts"
import { generateInteractions, type SeedOptions } from "../../../src/seed/generate.ts"
import { SimData } from "../../../src/sim/data.ts"
import { customerEmail, queueEmail } from "../../../src/sim/identities.ts"
import { type SimHandle, type SimOptions, startSim } from "../../../src/sim/server.ts"

export const seedOptions: SeedOptions = { seed: 7, count: 3_000, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" }

let shared: SimData | undefined
/** The simulator's data for `seedOptions`, built once per test file. */
export const sharedData = (): SimData => (shared ??= new SimData(seedOptions, 0.05))

let generated: ReadonlyArray<Interaction> | undefined
export const generatedInteractions = (): ReadonlyArray<Interaction> => (generated ??= [...generateInteractions(seedOptions)])

/** The generator's interactions that start in [from, to), in start order. */
export const expectedIn = (from: string, to: string): ReadonlyArray<Interaction> => {
  const a = Date.parse(from)
  const b = Date.parse(to)
  return generatedInteractions().filter((i) => {
    const t = Date.parse(i.startTime)
    return t >= a && t < b
  })
}

/**
 * The generator's interactions Genesys' details query selects for the interval [from, to): those
 * that started on a (UTC) day it touches and were active during it, in start order.
 */
export const selectedIn = (from: string, to: string): ReadonlyArray<Interaction> => {
  const a = Date.parse(from)
  const b = Date.parse(to)
  const firstDay = Math.floor(a / 86_400_000) * 86_400_000
  const afterLastDay = Math.floor((b - 1) / 86_400_000) * 86_400_000 + 86_400_000
  return generatedInteractions().filter((i) => {
    const start = Date.parse(i.startTime)
    return start >= firstDay && start < afterLastDay && start < b && Date.parse(i.endTime) >= a
  })
}

/**
 * The conversation the platform client should read for a generated interaction (no message
 * type); an email's sides by the simulated organisation's addresses (the customer's, the queue's).
 */
export const conversationOf = (i: Interaction): PlatformConversation => ({
  id: i.id,
  startTime: i.startTime,
  endTime: i.endTime,
  mediaType: i.mediaType,
  direction: i.direction,
  queueId: i.queueId,
  divisionId: i.divisionId,
  divisionIds: [i.divisionId],
  agentIds: i.agentIds,
  language: i.language,
  ...(i.mediaType === "email" ? { emailParties: { customer: [customerEmail(i.id)], organization: [queueEmail(i.queueId)] } } : {})
})

export type Sim = SimHandle & { readonly stop: () => Promise<void> }

export const sim = (options: SimOptions = {}): Promise<Sim> => startSim({ ...seedOptions, data: sharedData(), ...options })

export const settings = (s: { readonly url: string }, overrides: Partial<PlatformSettings> = {}): PlatformSettings => ({
  apiUrl: s.url,
  loginUrl: s.url,
  clientId: "rewind-test",
  clientSecret: Redacted.make("s3cr3t-value"),
  pageSize: 100,
  rateLimitPerMinute: 60_000,
  timeoutMs: 5_000,
  maxRetries: 5,
  pagingLimit: 100_000,
  ...overrides
})

/** Runs `f` with a fresh client; returns its result and the client's call counters. */
export const withClient = <A, E>(
  s: { readonly url: string },
  f: (client: PlatformClient["Service"]) => Effect.Effect<A, E>,
  overrides: Partial<PlatformSettings> = {}
) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const client = yield* PlatformClient
      const result = yield* f(client)
      return { result, calls: yield* client.calls }
    }).pipe(Effect.provide(PlatformClient.layerWith(settings(s, overrides))))
  )

/** Like withClient, but returns the exit (for failures). */
export const exitWithClient = <A, E>(
  s: { readonly url: string },
  f: (client: PlatformClient["Service"]) => Effect.Effect<A, E>,
  overrides: Partial<PlatformSettings> = {}
): Promise<Exit.Exit<A, E>> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const client = yield* PlatformClient
      return yield* f(client)
    }).pipe(Effect.provide(PlatformClient.layerWith(settings(s, overrides))), Effect.exit)
  )

/** The failure of an exit (fails the test when it succeeded or died). */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got a success")
  const found = Cause.findErrorOption(exit.cause)
  if (found._tag === "None") throw new Error(`expected a failure, got ${String(exit.cause)}`)
  return found.value
}

/** Raw HTTP to the simulator (with a token). */
export const raw = async (s: { readonly url: string }, method: string, path: string, body?: unknown, bearer?: string) => {
  const token = bearer ?? (await (await fetch(`${s.url}/oauth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from("raw:raw").toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded"
    },
    body: "grant_type=client_credentials"
  })).json() as { access_token: string }).access_token
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) as unknown }
}

/** The simulator in a child process (its own event loop: its timings are not skewed by the client's). */
export const simProcess = (options: SimOptions = {}): Promise<{ readonly url: string; readonly stop: () => Promise<void> }> =>
  new Promise((resolve, reject) => {
    const script = fileURLToPath(new URL("./simProcess.ts", import.meta.url))
    const child = spawn(process.execPath, [script, JSON.stringify({ ...seedOptions, ...options })], { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`simulator process exited (${code}) before listening`)))
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8")
      const line = out.split("\n")[0]
      if (out.includes("\n") && line !== undefined) {
        const { url } = JSON.parse(line) as { url: string }
        child.removeAllListeners("exit")
        resolve({
          url,
          stop: () =>
            new Promise<void>((done) => {
              child.once("exit", () => done())
              child.kill("SIGTERM")
            })
        })
      }
    })
  })

/** The simulator's counters over HTTP. */
export const remoteStats = async (s: { readonly url: string }) =>
  (await (await fetch(`${s.url}/__sim/stats`)).json()) as import("../../../src/sim/server.ts").SimStats
