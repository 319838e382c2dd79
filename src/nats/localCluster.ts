import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { findNatsServer, freePort, launchNatsServer, type NatsServerHandle, thrice } from "./localServer.ts"

/** One server of a local cluster; stopped, killed and restarted on its own. */
export interface NatsClusterNode {
  /** Its server name (`-n`): what JetStream names as a stream's or the meta group's leader. */
  readonly name: string
  readonly url: string
  readonly port: number
  readonly storeDir: string
  /** Whether its process is running. */
  running(): boolean
  /** Sends a signal to its process (SIGKILL, SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void
  /** Resolves once its process has exited. */
  exited(): Promise<void>
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>
  /** SIGTERM (SIGKILL after 5 s). Its store is kept for a restart. */
  stop(): Promise<void>
  /** Starts it again on the same ports, name and store, and resolves once it has rejoined the cluster. */
  restart(): Promise<void>
}

export interface NatsClusterHandle {
  readonly name: string
  readonly nodes: ReadonlyArray<NatsClusterNode>
  /** Every node's client URL (for NATS_URL, comma-separated). */
  readonly urls: ReadonlyArray<string>
  /** The node the running nodes name as the JetStream meta leader, if they agree on one. */
  metaLeader(): Promise<string | undefined>
  /** Stops every node and removes their stores. */
  stop(): Promise<void>
}

export interface NatsClusterOptions {
  /** Servers in the cluster; default 3. */
  readonly size?: number
  /** The cluster's name; default "rewind". */
  readonly name?: string
  /** Where the nodes keep their JetStream stores (kept on stop); default a temporary directory, removed on stop. */
  readonly dir?: string
  /** Most time to wait for the cluster; default 30 s. */
  readonly timeoutMs?: number
}

interface MetaCluster {
  readonly leader?: string
  readonly cluster_size?: number
  readonly replicas?: ReadonlyArray<{ readonly name: string; readonly current?: boolean; readonly offline?: boolean }>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The meta group as a node's monitoring endpoint (`/jsz`) reports it; undefined when it does not answer. */
const metaOf = async (monitorPort: number): Promise<MetaCluster | undefined> => {
  try {
    const r = await fetch(`http://127.0.0.1:${monitorPort}/jsz`, { signal: AbortSignal.timeout(1000) })
    return ((await r.json()) as { meta_cluster?: MetaCluster }).meta_cluster
  } catch {
    return undefined
  }
}

interface Ports {
  readonly client: number
  readonly route: number
  readonly monitor: number
}

/**
 * Starts `size` nats-server processes on 127.0.0.1 (for tests and `rewind demo --nats-cluster`),
 * each with its own name (n1, n2…), JetStream store and ports, routed to each other under one
 * cluster name, and resolves once every node answers JetStream and the meta leader counts every
 * node as current — so streams with `size` replicas can be created at once.
 */
export const startNatsCluster = (options: NatsClusterOptions = {}): Promise<NatsClusterHandle> => {
  const binary = findNatsServer()
  return thrice(() => startOnce(binary, options))
}

const startOnce = async (binary: string, options: NatsClusterOptions): Promise<NatsClusterHandle> => {
  const size = options.size ?? 3
  const clusterName = options.name ?? "rewind"
  const timeoutMs = options.timeoutMs ?? 30_000
  const ownDir = options.dir === undefined
  const dir = options.dir ?? await mkdtemp(join(tmpdir(), "rewind-nats-cluster-"))
  const ports: Array<Ports> = []
  for (let i = 0; i < size; i++) ports.push({ client: await freePort(), route: await freePort(), monitor: await freePort() })
  const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`).join(",")
  const handles: Array<NatsServerHandle | undefined> = ports.map(() => undefined)
  const names = ports.map((_, i) => `n${i + 1}`)

  const launch = (i: number) =>
    launchNatsServer(binary, {
      port: ports[i]!.client,
      storeDir: join(dir, names[i]!),
      args: [
        "-n", names[i]!,
        "-m", String(ports[i]!.monitor),
        "--cluster_name", clusterName,
        "--cluster", `nats://127.0.0.1:${ports[i]!.route}`,
        "--routes", routes
      ]
    }).then((h) => {
      handles[i] = h
      return h
    })

  const running = (i: number) => {
    const h = handles[i]
    return h !== undefined && h.running()
  }

  /** Every running node is the meta leader or one of its current followers. */
  const waitCurrent = async () => {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const views = await Promise.all(ports.map((p, i) => running(i) ? metaOf(p.monitor) : undefined))
      const leader = views.find((v) => v?.leader !== undefined)?.leader
      const li = names.indexOf(leader ?? "")
      const view = li >= 0 ? views[li] : undefined
      const current = new Set([leader, ...(view?.replicas ?? []).filter((r) => r.current === true && r.offline !== true).map((r) => r.name)])
      if (view !== undefined && names.every((n, i) => !running(i) || current.has(n))) return
      await sleep(100)
    }
    throw new Error(`the NATS cluster ${clusterName} did not settle on a JetStream meta leader with every node current in ${timeoutMs} ms`)
  }

  const stopAll = async () => {
    await Promise.all(handles.map((h) => h?.stop()))
    if (ownDir) await rm(dir, { recursive: true, force: true })
  }

  try {
    await Promise.all(ports.map((_, i) => launch(i)))
    await waitCurrent()
  } catch (e) {
    await stopAll()
    throw e
  }

  const nodes = ports.map((p, i): NatsClusterNode => {
    const current = () => handles[i]!
    return {
      name: names[i]!,
      url: `nats://127.0.0.1:${p.client}`,
      port: p.client,
      storeDir: join(dir, names[i]!),
      running: () => running(i),
      signal: (sig) => current().signal(sig),
      exited: () => current().exited(),
      kill: async () => {
        current().signal("SIGKILL")
        await current().exited()
      },
      stop: () => current().stop(),
      restart: async () => {
        if (running(i)) await current().stop()
        await launch(i)
        await waitCurrent()
      }
    }
  })

  const metaLeader = async () => {
    const views = await Promise.all(ports.map((p, i) => running(i) ? metaOf(p.monitor) : undefined))
    const leaders = new Set(views.flatMap((v) => v?.leader === undefined ? [] : [v.leader]))
    return leaders.size === 1 ? [...leaders][0] : undefined
  }

  return { name: clusterName, nodes, urls: nodes.map((n) => n.url), metaLeader, stop: stopAll }
}
