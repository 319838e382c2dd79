import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { contract, JobEventType, ModelProposalStatus } from "../../../src/domain/contract.ts"

const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8")

/** The README's contract names every job event type the daemon may publish, and no other. */
describe("README: job event types", () => {
  it("lists exactly the types of the job event schema", () => {
    const line = /`rewind\.evt\.job\.<id>`: `\{ type: ([a-z|]+), at, job \}`/.exec(readme)
    expect(line).not.toBeNull()
    expect(line![1]!.split("|").sort()).toEqual([...JobEventType.literals].sort())
  })
})

/** Every event subject the README documents has a schema in the contract (`rewind schema` publishes it), and no other. */
describe("README: event subjects", () => {
  it("lists exactly the contract's events", () => {
    const documented = [...readme.matchAll(/^- `rewind\.(evt\.[a-z.<>]+)`:/gm)].map((m) => m[1]!)
    expect(documented.sort()).toEqual(Object.keys(contract.events).sort())
  })

  it("gives the model proposal's statuses as its schema does", () => {
    const line = /`rewind\.evt\.model\.proposal`: `\{ type: proposal, at, revision, status: ([a-z|]+),/.exec(readme)
    expect(line).not.toBeNull()
    expect(line![1]!.split("|").sort()).toEqual([...ModelProposalStatus.literals].sort())
  })
})
