import { Effect, Option } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { estimateBody, previewBody } from "../../../src/cli/jobFlags.ts"

/**
 * `rewind job estimate|preview --file body.json` reads the whole command: a `job.create` body
 * gives its scope, its other fields (commandId, jobId, description, createdBy) left out rather
 * than refused as unknown.
 */
const scope = { dateStart: "2026-03-01T00:00:00Z", dateEnd: "2026-04-01T00:00:00Z", programs: ["p-billing"], mediaTypes: ["chat"], filters: { queues: ["q-1"] } }
const createCommand = { commandId: "c-42", jobId: "march-billing", name: "Re-run March", description: "why", createdBy: "ops@example.com", ...scope }

const flags = (file: string) => ({
  file: Option.some(file),
  name: Option.none(),
  from: Option.none(),
  to: Option.none(),
  program: [],
  media: [],
  dialect: [],
  queue: [],
  division: [],
  direction: [],
  agent: [],
  minDuration: Option.none(),
  maxDuration: Option.none()
})

const bodyFile = (body: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), "rewind-jobflags-")), "body.json")
  writeFileSync(path, JSON.stringify(body))
  return path
}

describe("a --file holding a job.create command", () => {
  it("estimate: its scope, the create-only fields left out", async () => {
    const body = await Effect.runPromise(estimateBody(flags(bodyFile(createCommand))))
    expect(body).toEqual({ name: "Re-run March", ...scope })
  })

  it("preview: its scope and the sample size", async () => {
    const body = await Effect.runPromise(previewBody(flags(bodyFile(createCommand)), 50))
    expect(body).toEqual({ name: "Re-run March", ...scope, sampleSize: 50 })
  })

  it("a field that is no part of any job command is still refused", async () => {
    const failure = await Effect.runPromise(Effect.flip(estimateBody(flags(bodyFile({ ...createCommand, colour: "red" })))))
    expect(failure.message).toMatch(/^invalid job scope: .*colour/)
  })
})
