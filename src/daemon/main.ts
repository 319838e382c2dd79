import { Effect, Layer } from "effect"
import { Nats } from "../nats/Nats.ts"
import { type NatsSettings, NatsSettingsConfig } from "../nats/NatsConfig.ts"
import { ensureTopology } from "../nats/Topology.ts"
import { CommandLog } from "../repos/CommandLog.ts"
import { JobRepo } from "../repos/JobRepo.ts"
import { ModelRepo } from "../repos/ModelRepo.ts"
import { type ClickHouseSettings, ClickHouseSettingsConfig } from "../store/ClickHouseConfig.ts"
import { storeLayer } from "../store/layer.ts"
import { ApiLive } from "./api.ts"
import { CommandConsumerLive } from "./commands.ts"
import { type DaemonSettings, DaemonSettingsConfig } from "./config.ts"
import { ConsumerMetricsLive } from "./consumerMetrics.ts"
import { DaemonSettingsService } from "./DaemonSettingsService.ts"
import { HttpLive } from "./http.ts"
import { JobRunner } from "./jobs/JobRunner.ts"
import { Metrics } from "./Metrics.ts"

export interface AllSettings {
  readonly nats: NatsSettings
  readonly clickhouse: ClickHouseSettings
  readonly daemon: DaemonSettings
}

/** Every setting, from the environment (and the optional config file), validated. */
export const AllSettingsConfig = Effect.all({
  nats: NatsSettingsConfig,
  clickhouse: ClickHouseSettingsConfig,
  daemon: DaemonSettingsConfig
})

/** NATS connected, the streams, buckets and consumer created, the repositories on top. */
export const natsLayer = (s: NatsSettings) =>
  Layer.mergeAll(JobRepo.layer, ModelRepo.layer, CommandLog.layer).pipe(
    Layer.provideMerge(Layer.effectDiscard(ensureTopology)),
    Layer.provideMerge(Nats.layer(s))
  )

/** The daemon without its HTTP endpoint (tests run several in one process). */
export const daemonCoreLayer = (s: AllSettings) => {
  const base = Layer.mergeAll(natsLayer(s.nats), storeLayer(s.clickhouse), Metrics.layer, DaemonSettingsService.make(s.daemon))
  const runner = JobRunner.layer.pipe(Layer.provideMerge(base))
  return Layer.mergeAll(CommandConsumerLive, ApiLive, ConsumerMetricsLive).pipe(Layer.provideMerge(runner))
}

/** The whole daemon: command consumer, job runner, service API, HTTP. Composed once, here. */
export const daemonLayer = (s: AllSettings) => HttpLive.pipe(Layer.provideMerge(daemonCoreLayer(s)))
