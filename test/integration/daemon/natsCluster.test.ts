import type { JetStreamManager, StreamInfo } from "@nats-io/jetstream"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { Job } from "../../../src/domain/job.ts"
import { untilNatsAnswers } from "../../../src/daemon/jobs/natsWait.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { makeNames, type Names } from "../../../src/nats/names.ts"
import { ensureTopology } from "../../../src/nats/Topology.ts"
import { WorkItemRepo } from "../../../src/repos/WorkItemRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { eventually, startDaemon, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob } from "../../helpers/expected.ts"
import { attemptScopes, expectUndisturbedOutcome, jobEvents, jobReaching, type RunIn, threeDayScope } from "../../helpers/jobChecks.ts"
import { rewindStreams, testNatsLayer, testNatsUrl, uniquePrefix } from "../../helpers/nats.ts"
import { type NatsClusterHandle, type NatsClusterNode, startNatsCluster } from "../../helpers/natsServer.ts"

// A cluster of three nats-server processes of its own; the daemon keeps 3 replicas of everything
// and is given all three URLs. Each job test SIGKILLs one node part-way, then restarts it.
// ≈ 900 interactions per three-day job (a fast host ran a third of that in well under a second),
// so that a node is killed while the job is still well under way. Scopes 3–5 are spares for a
// test CI tries again.
const seed = { seed: 31, count: 5_400, from: "2026-01-01T00:00:00Z", to: "2026-01-19T00:00:00Z" }
const model = exampleModel()
const prefix = uniquePrefix()
// the embedded ClickHouse engine allows one data directory per process: every daemon here shares it
const dataDir = tempDataDir("nats-cluster")
let cluster: NatsClusterHandle
let daemon: TestDaemon

const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
const daemonNats = () => run(Effect.gen(function*() { return yield* Nats }))

const scopeOf = (k: number) => threeDayScope(model, k)
const attempt = attemptScopes([3, 4, 5])

beforeAll(async () => {
  cluster = await startNatsCluster({ size: 3 })
  const base = testSettings({ prefix, dataDir, daemon: { pageSize: 10, workItemInteractions: 100, takeoverAfterSeconds: 10 } })
  daemon = await startSeededDaemon({ ...base, nats: { ...base.nats, servers: cluster.urls, replicas: 3 } }, seed, model)
}, 120_000)

afterAll(async () => {
  await daemon?.dispose()
  await cluster?.stop()
})

/** Peers of a stream (or consumer): its leader and its followers, with whether each is current. */
const peersOf = (cluster: StreamInfo["cluster"]) => [
  ...(cluster?.leader === undefined ? [] : [{ name: cluster.leader, current: true }]),
  ...(cluster?.replicas ?? []).map((r) => ({ name: r.name, current: r.current && r.offline !== true }))
]

const streamPeers = async (jsm: JetStreamManager, stream: string) => {
  const info = await jsm.streams.info(stream)
  return { replicas: info.config.num_replicas, peers: peersOf(info.cluster) }
}

/** The durable consumers, each with its stream. */
const durableConsumers = (n: Names) =>
  [[n.cmdStream, n.cmdConsumer], [n.workStream, n.workConsumer], [n.ingestStream, n.ingestConsumer]] as const

const allNodes = () => cluster.nodes.map((n) => n.name).sort()

/** Waits until every stream under `names` has a leader and all three nodes current in it. */
const allCurrent = (jsm: JetStreamManager, names: Names) =>
  eventually(async () => {
    for (const s of rewindStreams(names)) {
      const { peers } = await streamPeers(jsm, s)
      if (peers.length !== 3 || peers.some((p) => !p.current)) return undefined
    }
    return true
  }, 60_000, "every stream led, with all three nodes current")

/** Publishes a job, `disturb`s the cluster as soon as the job reports progress, and returns it once it has ended. */
const disturbedJob = async (name: string, first: number, disturb: () => Promise<void>) => {
  const { jobId, k } = attempt(name, first)
  const events = await jobEvents(run, jobId)
  await run(publishCommand("job.create", { ...scopeOf(k), name: jobId, jobId }))
  const partway = await events.firstProgress().finally(events.stop)
  expect(partway.jobStatus).toBe("InProgress")
  expect(partway.processedInteractionsCount).toBeLessThan(partway.totalInteractionsCount)
  await disturb()
  return { done: await jobReaching(run, jobId, ["Completed", "Failed", "Cancelled"], 180_000), k }
}

/**
 * The test's own reads wait out NATS as the daemon's do: while a node is down, nats-server 2.9
 * may place the ephemeral consumer of a key listing or an export download on the dead node
 * (nats-io/nats-server#7165), and that request times out.
 */
const patiently: RunIn = (e) => run(untilNatsAnswers(e, { maxWaitMs: 60_000, onWait: () => Effect.void, onBack: () => Effect.void }))

const expectLikeUndisturbed = async (done: Job, k: number) => {
  expect(done.errorMessage).toBeUndefined()
  await expectUndisturbedOutcome(patiently, done, expectedJob(seed, model, scopeOf(k)), model)
  const items = await patiently(Effect.gen(function*() { return yield* (yield* WorkItemRepo).list(done.id) }))
  expect(items.length).toBeGreaterThan(1)
}

const nodeNamed = (name: string | undefined): NatsClusterNode => {
  const node = cluster.nodes.find((n) => n.name === name)
  if (node === undefined) throw new Error(`no node named ${name}`)
  return node
}

/** Asks the leader of `stream` to step down until `ok(leader)`, or gives up after 20 tries; the leader then. */
const stepDownUntil = async (jsm: JetStreamManager, stream: string, ok: (leader: string) => boolean) => {
  const { nc } = await daemonNats()
  for (let i = 0; i < 20; i++) {
    const leader = (await jsm.streams.info(stream)).cluster?.leader
    if (leader !== undefined && ok(leader)) return leader
    if (leader !== undefined) await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${stream}`, "", { timeout: 5_000 }).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 500))
  }
  return (await jsm.streams.info(stream)).cluster?.leader
}

describe("REWIND_NATS_REPLICAS against what the servers can keep", () => {
  // what a daemon or the CLI does at start (run first, on a cluster that has lost nothing)
  const topologyOn = (servers: ReadonlyArray<string>, prefix: string, replicas: number) =>
    Effect.runPromise(ensureTopology.pipe(Effect.provide(Nats.layer({ servers, prefix, replicas }))))

  it("raised on an existing installation: its streams, buckets and consumers get the new count at start (waiting out the consumers' move); a lower setting never lowers it", async () => {
    const p = uniquePrefix()
    await topologyOn(cluster.urls, p, 1)
    const n = makeNames(p)
    const counts = async () => {
      const { jsm } = await daemonNats()
      const streams = rewindStreams(n).map(async (s) => (await streamPeers(jsm, s)).peers.length)
      const consumers = durableConsumers(n).map(async ([s, c]) => peersOf((await jsm.consumers.info(s, c)).cluster).length)
      return Promise.all([...streams, ...consumers])
    }
    expect(new Set(await counts())).toEqual(new Set([1]))
    await topologyOn(cluster.urls, p, 3)
    expect(new Set(await counts())).toEqual(new Set([3]))
    await topologyOn(cluster.urls, p, 1)
    expect(new Set(await counts())).toEqual(new Set([3]))
  })

  it("more replicas than the cluster has nodes: fails at start, naming the setting", async () => {
    await expect(topologyOn(cluster.urls, uniquePrefix(), 5)).rejects.toThrow(/REWIND_NATS_REPLICAS=5: the NATS servers cannot keep 5 copies/)
  })

  it("3 on a single server with an existing installation: the daemon fails at start, naming the setting, and changes nothing", async () => {
    // a single server refuses to create a stream with 3 replicas, but accepts raising an existing one's and keeps one copy
    const p = uniquePrefix()
    await topologyOn([testNatsUrl()], p, 1)
    await expect(startDaemon({ ...testSettings({ prefix: p, dataDir }), nats: { servers: [testNatsUrl()], prefix: p, replicas: 3 } }))
      .rejects.toThrow(/REWIND_NATS_REPLICAS=3, but the NATS server .* is a single server/)
    const replicas = await Effect.runPromise(Effect.gen(function*() {
      const { jsm } = yield* Nats
      return yield* Effect.promise(() => Promise.all(rewindStreams(makeNames(p)).map(async (s) => (await jsm.streams.info(s)).config.num_replicas)))
    }).pipe(Effect.provide(testNatsLayer(p))))
    expect(new Set(replicas)).toEqual(new Set([1]))
  })
})

describe("a NATS cluster of three (REWIND_NATS_REPLICAS=3)", () => {
  it("every stream, KV bucket and the object store keep 3 replicas, one on each node; so do the durable consumers", async () => {
    const { jsm, names } = await daemonNats()
    for (const s of rewindStreams(names)) {
      const { replicas, peers } = await streamPeers(jsm, s)
      expect({ s, replicas, nodes: peers.map((p) => p.name).sort() }).toEqual({ s, replicas: 3, nodes: allNodes() })
    }
    for (const [stream, consumer] of durableConsumers(names)) {
      const info = await jsm.consumers.info(stream, consumer)
      expect({ consumer, nodes: peersOf(info.cluster).map((p) => p.name).sort() }).toEqual({ consumer, nodes: allNodes() })
    }
  })

  it("SIGKILL of the node the daemon is connected to, part-way: the job completes as if undisturbed; the node rejoins", async () => {
    const { nc, jsm, names } = await daemonNats()
    const connectedTo = nc.info?.server_name
    let killed: NatsClusterNode | undefined
    try {
      const { done, k } = await disturbedJob("nc-own-node", 0, async () => {
        killed = nodeNamed(connectedTo)
        await killed.kill()
      })
      await expectLikeUndisturbed(done, k)
      // the client moved to another node
      expect(nc.info?.server_name).not.toBe(connectedTo)
    } finally {
      if (killed !== undefined && !killed.running()) await killed.restart()
    }
    await allCurrent(jsm, names)
  }, 300_000)

  it("SIGKILL of the node leading the work queue and the items bucket, part-way (not the daemon's): the job completes as if undisturbed, and so does the next one", async () => {
    const { nc, jsm, names } = await daemonNats()
    const own = nc.info!.server_name
    // the leaders the job writes to most (the items' records, the work queue) on a node the daemon is not connected to
    const target = await stepDownUntil(jsm, `KV_${names.itemsBucket}`, (l) => l !== own)
    expect(target).not.toBe(own)
    expect(await stepDownUntil(jsm, names.workStream, (l) => l === target)).toBe(target)
    try {
      const { done, k } = await disturbedJob("nc-leader", 1, async () => {
        for (const s of [`KV_${names.itemsBucket}`, names.workStream]) expect((await jsm.streams.info(s)).cluster?.leader).toBe(target)
        await nodeNamed(target).kill()
      })
      await expectLikeUndisturbed(done, k)
      expect(nc.info?.server_name).toBe(own)

      // with the node still down, a new command is taken and its job runs
      const after = attempt("nc-after", 2)
      await run(publishCommand("job.create", { ...scopeOf(after.k), name: after.jobId, jobId: after.jobId }))
      await expectLikeUndisturbed(await jobReaching(run, after.jobId, ["Completed", "Failed", "Cancelled"], 180_000), after.k)
    } finally {
      const node = nodeNamed(target)
      if (!node.running()) await node.restart()
    }
    await allCurrent(jsm, names)
  }, 300_000)
})
