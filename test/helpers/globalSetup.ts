import type { TestProject } from "vitest/node"
import { startClickHouseServer } from "../../src/store/localServer.ts"
import { startNatsServer } from "./natsServer.ts"

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the nats-server shared by the whole run; "" when none could be started. */
    natsUrl: string
    /** Why there is no server (shown by tests that need one). */
    natsUnavailable: string
    /** URL of the ClickHouse server shared by the whole run (the tests' "server" backend); "" when none. */
    clickhouseUrl: string
    /** Why there is no ClickHouse server. */
    clickhouseUnavailable: string
  }
}

interface Shared {
  /** Environment variable naming a server already running, used instead of starting one. */
  readonly external: string
  readonly url: "natsUrl" | "clickhouseUrl"
  readonly unavailable: "natsUnavailable" | "clickhouseUnavailable"
  readonly start: () => Promise<{ readonly url: string; stop(): Promise<unknown> }>
}

/** Provides the server's URL, or why there is none; returns how to stop a server it started. */
const share = async (project: TestProject, s: Shared): Promise<() => Promise<void>> => {
  const external = process.env[s.external]
  if (external !== undefined && external !== "") {
    project.provide(s.url, external)
    project.provide(s.unavailable, "")
    return async () => {}
  }
  try {
    const server = await s.start()
    process.env[s.external] = server.url
    project.provide(s.url, server.url)
    project.provide(s.unavailable, "")
    return async () => {
      await server.stop()
      delete process.env[s.external]
    }
  } catch (e) {
    project.provide(s.url, "")
    project.provide(s.unavailable, e instanceof Error ? e.message : String(e))
    return async () => {}
  }
}

/**
 * Starts ONE nats-server and ONE ClickHouse server (src/store/localServer.ts) for the whole
 * test run; tests isolate themselves under their own subject prefix and in their own database.
 * Servers already running can be used instead: REWIND_TEST_NATS_URL, REWIND_TEST_CLICKHOUSE_URL
 * (e.g. a ClickHouse of another version). When one cannot be started, the tests that need it
 * fail with the reason; the others run.
 */
export default async function setup(project: TestProject) {
  const stops = await Promise.all([
    share(project, { external: "REWIND_TEST_NATS_URL", url: "natsUrl", unavailable: "natsUnavailable", start: () => startNatsServer() }),
    share(project, {
      external: "REWIND_TEST_CLICKHOUSE_URL",
      url: "clickhouseUrl",
      unavailable: "clickhouseUnavailable",
      start: () => startClickHouseServer()
    })
  ])
  return async () => {
    await Promise.all(stops.map((stop) => stop()))
  }
}
