import type { TestProject } from "vitest/node"
import { type NatsServerHandle, startNatsServer } from "./natsServer.ts"

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the nats-server shared by the whole run; "" when none could be started. */
    natsUrl: string
    /** Why there is no server (shown by tests that need one). */
    natsUnavailable: string
  }
}

let server: NatsServerHandle | undefined

/**
 * Starts ONE nats-server for the whole test run (tests isolate themselves under their own
 * subject prefix). An already running server can be used instead via REWIND_TEST_NATS_URL.
 * When nats-server is missing, tests that need it fail with the reason; the others run.
 */
export default async function setup(project: TestProject) {
  const external = process.env.REWIND_TEST_NATS_URL
  if (external !== undefined && external !== "") {
    project.provide("natsUrl", external)
    project.provide("natsUnavailable", "")
    return
  }
  try {
    server = await startNatsServer()
    process.env.REWIND_TEST_NATS_URL = server.url
    project.provide("natsUrl", server.url)
    project.provide("natsUnavailable", "")
  } catch (e) {
    project.provide("natsUrl", "")
    project.provide("natsUnavailable", e instanceof Error ? e.message : String(e))
  }
  return async () => {
    await server?.stop()
    server = undefined
    delete process.env.REWIND_TEST_NATS_URL
  }
}
