import { execFile } from "node:child_process"
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { root } from "../../helpers/processes.ts"

/**
 * README: "Every command exits non-zero with a one-line reason on failure." The CLI as a process,
 * with no NATS or ClickHouse needed: each of these fails before connecting to anything.
 */
const dir = mkdtempSync(join(tmpdir(), "rewind-exit-"))

const rewind = (env: Record<string, string>, ...args: Array<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const { REWIND_CONFIG: _, ...inherited } = process.env
    execFile(process.execPath, [join(root, "src/cli/main.ts"), ...args], { cwd: root, env: { ...inherited, ...env }, timeout: 60_000 }, (e, stdout, stderr) =>
      resolve({ code: e === null ? 0 : typeof e.code === "number" ? e.code : 1, stdout, stderr }))
  })

const oneLine = (stderr: string) => {
  expect(stderr.trimEnd().split("\n")).toHaveLength(1)
  expect(stderr).toMatch(/^rewind: /)
}

describe("failures exit non-zero with a one-line reason", () => {
  it.each([
    { flags: ["--count", "0"], says: "--count" },
    { flags: ["--from", "yesterday"], says: "--from" },
    { flags: ["--from", "2026-02-01T00:00:00Z", "--to", "2026-01-01T00:00:00Z"], says: "--to" },
    { flags: ["--missing-share", "2"], says: "--missing-share" }
  ])("rewind seed $flags refuses before opening the store", async ({ flags, says }) => {
    const data = mkdtempSync(join(dir, "seed-"))
    const r = await rewind({ REWIND_DATA_DIR: data }, "seed", ...flags)
    expect(r.code).not.toBe(0)
    oneLine(r.stderr)
    expect(r.stderr).toContain(says)
    expect(r.stdout).toBe("")
    // The embedded store was never opened: nothing was written under the data directory.
    expect(readdirSync(data)).toEqual([])
  })

  it("rewind schema --subject of no subject refuses, listing the known ones", async () => {
    const r = await rewind({}, "schema", "--subject", "rewind.cmd.nope")
    expect(r.code).not.toBe(0)
    expect(r.stdout).toBe("")
    oneLine(r.stderr)
    expect(r.stderr).toContain("rewind.cmd.nope")
    expect(r.stderr).toContain("rewind.cmd.job.create")
    // A subject with an id is the schema of its pattern.
    const event = await rewind({}, "schema", "--subject", "rewind.evt.job.j1")
    expect(event.code).toBe(0)
    expect(Object.keys(JSON.parse(event.stdout))).toEqual(["rewind.evt.job.<id>"])
  })

  it("a config file with a syntax error names the line and key, not the secret", async () => {
    const yaml = join(dir, "bad.yaml")
    writeFileSync(yaml, "CLICKHOUSE_PASSWORD: @s3cret\n")
    const r = await rewind({ REWIND_CONFIG: yaml }, "schema")
    expect(r.code).not.toBe(0)
    oneLine(r.stderr)
    expect(r.stderr).toContain("line 1")
    expect(r.stderr).toContain("CLICKHOUSE_PASSWORD")
    expect(r.stderr).not.toContain("s3cret")
    const json = join(dir, "bad.json")
    writeFileSync(json, "{\"NATS_PASSWORD\": hunter2}")
    const j = await rewind({ REWIND_CONFIG: json }, "schema")
    expect(j.code).not.toBe(0)
    oneLine(j.stderr)
    expect(j.stderr).toContain("NATS_PASSWORD")
    expect(j.stderr).not.toContain("hunter2")
  })
})
