/**
 * `rewind sim --open-share`: the simulator's `openShare` knob from the command line — a share of
 * the text conversations still open on the platform (listed by the details query without
 * `conversationEnd`), validated like the other shares. The sim as a process, asked over HTTP.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { root } from "../../helpers/processes.ts"

const main = join(root, "src/cli/main.ts")
const period = { from: "2026-01-05T00:00:00Z", to: "2026-01-07T00:00:00Z" }
const children: Array<ChildProcess> = []

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL")
})

/** `rewind sim` on a free port with `flags`; resolves with its --json start-up line. */
const startSim = (...flags: Array<string>): Promise<{ url: string; faults: { openShare: number } }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, "sim", "--port", "0", "--json", "--count", "300", "--from", period.from, "--to", period.to, ...flags], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"]
    })
    children.push(child)
    let out = ""
    let err = ""
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const line = out.split("\n").find((l) => l.startsWith("{"))
      if (line !== undefined) resolve(JSON.parse(line) as { url: string; faults: { openShare: number } })
    })
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()))
    child.on("exit", (code) => reject(new Error(`rewind sim exited (${code}) before it was ready: ${err}`)))
  })

interface Listed {
  readonly conversationId: string
  readonly conversationEnd?: string
  readonly participants: ReadonlyArray<{ readonly sessions: ReadonlyArray<{ readonly mediaType?: string }> }>
}

/** Every conversation the details query lists for the period (one day per query, pages of 100). */
const listAll = async (url: string): Promise<Array<Listed>> => {
  const token = await fetch(`${url}/oauth/token`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from("id:secret").toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials"
  })
  expect(token.status).toBe(200)
  const { access_token } = (await token.json()) as { access_token: string }
  const all: Array<Listed> = []
  for (let page = 1; ; page++) {
    const r = await fetch(`${url}/api/v2/analytics/conversations/details/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ interval: `${period.from}/${period.to}`, paging: { pageSize: 100, pageNumber: page } })
    })
    expect(r.status).toBe(200)
    const body = (await r.json()) as { conversations?: Array<Listed> }
    all.push(...(body.conversations ?? []))
    if ((body.conversations ?? []).length < 100) return all
  }
}

const text = new Set(["chat", "email", "message"])
const isText = (c: Listed) => c.participants.some((p) => p.sessions.some((s) => text.has(String(s.mediaType))))

describe("rewind sim --open-share", () => {
  it("leaves that share of the text conversations open (no conversationEnd), the others ended", async () => {
    const open = await startSim("--open-share", "0.5")
    expect(open.faults.openShare).toBe(0.5)
    const listed = await listAll(open.url)
    const textOnes = listed.filter(isText)
    const stillOpen = listed.filter((c) => c.conversationEnd === undefined)
    expect(textOnes.length).toBeGreaterThan(20)
    // About half of the text conversations, and only text ones.
    expect(stillOpen.length).toBeGreaterThan(textOnes.length * 0.25)
    expect(stillOpen.length).toBeLessThan(textOnes.length * 0.75)
    expect(stillOpen.every(isText)).toBe(true)

    // Without the flag: none (the default).
    const ended = await startSim()
    expect(ended.faults.openShare).toBe(0)
    expect((await listAll(ended.url)).filter((c) => c.conversationEnd === undefined)).toEqual([])
  })

  it.each(["1.5", "-0.1"])("refuses --open-share %s like the other shares", async (value) => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [main, "sim", "--port", "0", "--open-share", value], { cwd: root, timeout: 60_000 }, (e, stdout, stderr) =>
        resolve({ code: e === null ? 0 : typeof e.code === "number" ? e.code : 1, stdout, stderr })))
    expect(r.code).not.toBe(0)
    expect(r.stderr.trimEnd()).toBe(`rewind: --open-share must be between 0 and 1, got ${Number(value)}`)
    expect(r.stdout).toBe("")
  })
})
