import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { JobEventType } from "../../../src/domain/contract.ts"

/** The README's contract names every job event type the daemon may publish, and no other. */
describe("README: job event types", () => {
  it("lists exactly the types of the job event schema", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8")
    const line = /`rewind\.evt\.job\.<id>`: `\{ type: ([a-z|]+), at, job \}`/.exec(readme)
    expect(line).not.toBeNull()
    expect(line![1]!.split("|").sort()).toEqual([...JobEventType.literals].sort())
  })
})
