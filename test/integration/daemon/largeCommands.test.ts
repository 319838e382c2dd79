import { Effect } from "effect"
import { rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Nats } from "../../../src/nats/Nats.ts"
import { eventually, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { type NatsServerHandle, startNatsServer } from "../../helpers/natsServer.ts"

const MiB = 1024 * 1024

/**
 * On a server whose max_payload is above 1 MiB, whatever a publisher can send reaches the
 * daemon: a command over REWIND_MAX_COMMAND_BYTES is refused and kept, never dropped by a
 * stream limit of its own.
 */
describe("commands larger than 1 MiB, on a server that takes them", () => {
  const dataDir = tempDataDir("large")
  let server: NatsServerHandle
  let daemon: TestDaemon
  let nats: Nats["Service"]
  const rejections: Array<{ subject: string; reason: string; streamSeq: number }> = []

  beforeAll(async () => {
    const config = join(dataDir, "nats.conf")
    await writeFile(config, `max_payload: ${8 * MiB}\n`)
    server = await startNatsServer({ args: ["-c", config] })
    const base = testSettings({ prefix: uniquePrefix(), dataDir, daemon: { maxCommandBytes: MiB } })
    daemon = await startDaemon({ ...base, nats: { ...base.nats, servers: [server.url] } })
    nats = await daemon.runPromise(Effect.gen(function*() { return yield* Nats }))
    nats.nc.subscribe(nats.names.evt("command.rejected"), { callback: (_e, m) => void rejections.push(m.json()) })
  }, 120_000)

  afterAll(async () => {
    await daemon?.dispose()
    await server?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it("a 2 MiB command sent with a core publish (as `nats pub` does) is refused and kept byte for byte", async () => {
    expect(nats.nc.info?.max_payload).toBe(8 * MiB)
    const subject = nats.names.cmd("job.create")
    const bytes = new TextEncoder().encode(JSON.stringify({ name: "big", description: "é".repeat(MiB) }))
    expect(bytes.length).toBeGreaterThan(2 * MiB)
    nats.nc.publish(subject, bytes)
    await nats.nc.flush()
    const r = await eventually(async () => rejections.find((x) => x.subject === subject), 30_000, "command.rejected")
    expect(r.reason).toBe(`command is ${bytes.length} bytes, over the limit of ${MiB} bytes`)
    const dead = await nats.jsm.streams.getMessage(nats.names.dlqStream, { last_by_subj: nats.names.dlqSubject(subject) })
    expect(dead?.header.get("Rewind-Reason")).toBe(r.reason)
    expect(dead?.header.get("Rewind-Original-Seq")).toBe(String(r.streamSeq))
    expect(Buffer.from(dead!.data).equals(Buffer.from(bytes))).toBe(true)
    const cmd = await nats.jsm.streams.info(nats.names.cmdStream)
    expect(cmd.state.messages).toBe(0)
  })

  it("the live-ingestion stream stores an event of 2 MiB too", async () => {
    const ack = await nats.js.publish(nats.names.ingestSubject, new Uint8Array(2 * MiB))
    expect(ack.stream).toBe(nats.names.ingestStream)
  })
})
