import { Ajv2020 } from "ajv/dist/2020.js"
import { Result, type Schema } from "effect"
import { describe, expect, it } from "vitest"
import { contractJsonSchemas } from "../../../src/cli/schema.ts"
import { contract } from "../../../src/domain/contract.ts"
import { decodeStrict } from "../../../src/domain/validation.ts"

/**
 * `rewind schema` publishes what the daemon accepts: every sample below gets the same verdict
 * from a JSON Schema validator (Ajv, draft 2020-12, strict) as from the daemon's own decoder.
 * The few rules JSON Schema cannot state (a date before another, a real calendar date) are
 * refused by the daemon only, and the published schema says them in its description.
 */
const published = contractJsonSchemas("rewind") as Record<string, any>
const ajv = new Ajv2020({ strict: true, allErrors: true })

const scope = { dateStart: "2026-03-01T00:00:00Z", dateEnd: "2026-04-01T00:00:00+02:00", programs: ["p-billing"], mediaTypes: ["Call", "chat"] }
const create = { name: "Re-run March", ...scope }

interface Case {
  readonly subject: string
  readonly schema: Schema.Top
  readonly accepted: ReadonlyArray<unknown>
  readonly refused: ReadonlyArray<unknown>
  /** Refused by the daemon, accepted by JSON Schema: the rule is in the schema's description. */
  readonly daemonOnly?: ReadonlyArray<{ readonly sample: unknown; readonly described: string; readonly where?: string }>
}

const cases: ReadonlyArray<Case> = [
  {
    subject: "rewind.cmd.job.create",
    schema: contract.commands["cmd.job.create"],
    accepted: [
      create,
      { ...create, commandId: "c-42", jobId: "march_billing-2", description: "", createdBy: "ops@example.com", dialects: ["en-us"] },
      { ...create, dateStart: "2026-03-01T00:00+0100", filters: { queues: ["q"], divisions: ["d"], directions: ["inbound"], agents: ["a"], minDurationMs: 0, maxDurationMs: 10 } }
    ],
    refused: [
      { ...create, dateFrom: "2026-03-01T00:00:00Z" },
      { ...create, filters: { queue: ["q"] } },
      { ...create, jobId: "-leading" },
      { ...create, jobId: "has space" },
      { ...create, commandId: "" },
      { ...create, name: "" },
      { ...create, name: 42 },
      { ...create, name: "x".repeat(201) },
      { ...create, mediaTypes: [] },
      { ...create, mediaTypes: ["fax"] },
      { ...create, programs: [] },
      { ...create, programs: [""] },
      { ...create, dateStart: "2026-03-01" },
      { ...create, dateStart: "2026-03-01T00:00:00" },
      { ...create, filters: { directions: ["sideways"] } },
      { ...create, filters: { minDurationMs: -1 } },
      { ...create, filters: { minDurationMs: 1.5 } },
      (({ dateEnd: _, ...open }) => open)(create),
      [create],
      "create"
    ],
    daemonOnly: [
      { sample: { ...create, dateStart: "2026-05-01T00:00:00Z" }, described: "dateStart < dateEnd" },
      { sample: { ...create, filters: { minDurationMs: 10, maxDurationMs: 5 } }, described: "minDurationMs ≤ maxDurationMs", where: "filters" },
      { sample: { ...create, dateStart: "2026-13-01T00:00:00Z" }, described: "no month 13", where: "dateStart" },
      { sample: { ...create, dateEnd: "2026-02-30T00:00:00Z" }, described: "a real one", where: "dateEnd" }
    ]
  },
  ...(["cmd.job.cancel", "cmd.job.delete", "cmd.job.retry", "cmd.job.confirm"] as const).map((k): Case => ({
    subject: `rewind.${k}`,
    schema: contract.commands[k],
    accepted: [{ jobId: "march-billing" }, { jobId: "j1", commandId: "c-1" }],
    refused: [{}, { jobId: "" }, { jobId: "a/b" }, { jobId: "j1", force: true }, { jobId: 7 }]
  })),
  {
    subject: "rewind.cmd.recovery.run",
    schema: contract.commands["cmd.recovery.run"],
    accepted: [
      {},
      { from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z" },
      { commandId: "c", runId: "r-1", mediaTypes: ["Chat", "email", "message"], requestedBy: "ops" }
    ],
    refused: [
      { from: "2026-01-01T00:00:00Z" },
      { to: "2026-01-08T00:00:00Z" },
      { mediaTypes: ["voice"] },
      { mediaTypes: ["Call"] },
      { mediaTypes: [] },
      { from: "yesterday", to: "2026-01-08T00:00:00Z" },
      { period: "last week" },
      { requestedBy: "x".repeat(201) }
    ],
    daemonOnly: [
      { sample: { from: "2026-01-08T00:00:00Z", to: "2026-01-01T00:00:00Z" }, described: "from < to" },
      { sample: { from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z" }, described: "at most 31 days apart" },
      { sample: { from: "2999-01-01T00:00:00Z", to: "2999-01-02T00:00:00Z" }, described: "to not in the future" }
    ]
  },
  {
    subject: "rewind.api.job.estimate",
    schema: contract.queries["api.job.estimate"].request,
    accepted: [scope, { ...scope, name: "" }],
    refused: [{ ...scope, jobId: "j" }, { ...scope, programs: [] }, { ...scope, mediaTypes: ["fax"] }],
    daemonOnly: [{ sample: { ...scope, dateEnd: scope.dateStart }, described: "dateStart < dateEnd" }]
  },
  ...(["api.job.get", "api.job.export"] as const).map((k): Case => ({
    subject: `rewind.${k}`,
    schema: contract.queries[k].request,
    accepted: [{ jobId: "j1" }],
    refused: [{}, { jobId: "" }, { jobId: "j1", verbose: true }]
  })),
  {
    subject: "rewind.api.job.list",
    schema: contract.queries["api.job.list"].request,
    accepted: [{}, { status: "Queued", limit: 1 }, { limit: 1000 }],
    refused: [{ limit: 0 }, { limit: 1001 }, { limit: 2.5 }, { status: "Running" }, { sort: "name" }]
  },
  {
    subject: "rewind.api.recovery.list",
    schema: contract.queries["api.recovery.list"].request,
    accepted: [{}, { status: "Running", limit: 5 }],
    refused: [{ status: "InProgress" }, { limit: 0 }, { page: 2 }]
  },
  {
    subject: "rewind.api.recovery.get",
    schema: contract.queries["api.recovery.get"].request,
    accepted: [{ runId: "rec-3" }],
    refused: [{}, { runId: "" }, { runId: "rec-3", x: 1 }]
  },
  {
    subject: "rewind.api.status",
    schema: contract.queries["api.status"].request,
    accepted: [{}, { anything: true }, null],
    refused: []
  },
  {
    subject: "rewind.ingest.conversation",
    schema: contract.ingest["ingest.conversation"],
    accepted: [
      { conversationId: "3f2c" },
      { conversationId: "3f2c", conversationStart: "2026-03-04T10:11:12Z", conversation: { conversationId: "3f2c" } }
    ],
    refused: [{}, { conversationId: "" }, { conversationId: "3f2c", conversationStart: "now" }, { conversationId: "3f2c", payload: {} }]
  }
]

const publishedSchema = (subject: string) => {
  const entry = published[subject]
  expect(entry, `${subject} is published`).toBeDefined()
  return subject.startsWith("rewind.api.") ? entry.request : entry
}

const daemonAccepts = (schema: Schema.Top, sample: unknown) => Result.isSuccess(decodeStrict(schema as never)(sample))

describe("rewind schema: the published JSON Schemas are what the daemon accepts", () => {
  it.each(cases.map((c) => [c.subject, c] as const))("%s", (_subject, c) => {
    const validate = ajv.compile(publishedSchema(c.subject))
    for (const sample of c.accepted) {
      expect(daemonAccepts(c.schema, sample), `daemon accepts ${JSON.stringify(sample)}`).toBe(true)
      expect(validate(sample), `schema accepts ${JSON.stringify(sample)}: ${ajv.errorsText(validate.errors)}`).toBe(true)
    }
    for (const sample of c.refused) {
      expect(daemonAccepts(c.schema, sample), `daemon refuses ${JSON.stringify(sample)}`).toBe(false)
      expect(validate(sample), `schema refuses ${JSON.stringify(sample)}`).toBe(false)
    }
    for (const { sample, described, where } of c.daemonOnly ?? []) {
      expect(daemonAccepts(c.schema, sample), `daemon refuses ${JSON.stringify(sample)}`).toBe(false)
      const node = where === undefined ? publishedSchema(c.subject) : publishedSchema(c.subject).properties[where]
      expect(validate(sample), `schema approximates ${JSON.stringify(sample)}`).toBe(true)
      expect(node.description).toContain(described)
    }
  })

  it("closes every object the daemon decodes strictly, and leaves answers and events open", () => {
    const closed = (s: any): boolean =>
      s === null || typeof s !== "object" ? true
      : (s.type !== "object" || s.additionalProperties === false) && Object.values(s).every(closed)
    for (const c of cases.filter((c) => c.subject !== "rewind.api.status")) expect(closed(publishedSchema(c.subject)), c.subject).toBe(true)
    expect(published["rewind.cmd.job.create"].properties.filters.additionalProperties).toBe(false)
    expect(published["rewind.api.job.get"].answer.additionalProperties).not.toBe(false)
    expect(published["rewind.evt.command.rejected"].additionalProperties).not.toBe(false)
  })

  it("every published schema compiles as draft 2020-12", () => {
    const all = Object.values(published).flatMap((e: any) => ("request" in e ? [e.request, e.answer] : [e]))
    for (const s of all) {
      expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema")
      expect(() => ajv.compile(s)).not.toThrow()
    }
  })
})
