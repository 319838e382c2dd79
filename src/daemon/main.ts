import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { type PlatformSettings, PlatformSettingsConfig } from "../platform/PlatformConfig.ts"
import { RecoveryRepo } from "../repos/RecoveryRepo.ts"
import { Nats } from "../nats/Nats.ts"
import { type NatsSettings, NatsSettingsConfig } from "../nats/NatsConfig.ts"
import { ensureTopology } from "../nats/Topology.ts"
import { CommandLog } from "../repos/CommandLog.ts"
import { JobRepo } from "../repos/JobRepo.ts"
import { ModelRepo } from "../repos/ModelRepo.ts"
import { WorkItemRepo } from "../repos/WorkItemRepo.ts"
import { type ClickHouseSettings, ClickHouseSettingsConfig } from "../store/ClickHouseConfig.ts"
import { storeLayer } from "../store/layer.ts"
import { ApiLive } from "./api.ts"
import { CommandConsumerLive } from "./commands.ts"
import { type DaemonSettings, DaemonSettingsConfig } from "./config.ts"
import { IngestConsumerLive } from "./ingest/IngestConsumer.ts"
import { RecoveryRunner } from "./recovery/RecoveryRunner.ts"
import { DaemonSettingsService } from "./DaemonSettingsService.ts"
import { HttpLive } from "./http.ts"
import { JobRunner } from "./jobs/JobRunner.ts"
import { WorkConsumerLive } from "./jobs/WorkConsumer.ts"
import { AutoReprocessLive } from "./models/AutoReprocess.ts"
import { MetricsLive } from "./Metrics.ts"
import { NatsLink } from "./natsLink.ts"
import { Overview } from "./overview.ts"
import { OverviewMetricsLive } from "./overviewMetrics.ts"
import { timedPlatformClient } from "./platformHttp.ts"
import { PlatformMetricsLive } from "./platformMetrics.ts"
import { StoreMetricsLive } from "./storeMetrics.ts"
import { PendingMetricsLive } from "./recovery/pendingMetrics.ts"

export interface AllSettings {
  readonly nats: NatsSettings
  readonly clickhouse: ClickHouseSettings
  readonly daemon: DaemonSettings
  /** The platform of record; without it, recovery is off. */
  readonly platform?: PlatformSettings | undefined
}

/** The platform settings when `PLATFORM_REGION` or `PLATFORM_API_URL` is set (then the rest is required). */
const OptionalPlatformConfig: Config.Config<PlatformSettings | undefined> = Config.all([
  Config.option(Config.String("PLATFORM_REGION")),
  Config.option(Config.String("PLATFORM_API_URL"))
]).pipe(
  Config.flatMap(([region, apiUrl]): Config.Config<PlatformSettings | undefined> =>
    Option.isNone(region) && Option.isNone(apiUrl) ? Config.succeed(undefined) : PlatformSettingsConfig
  )
)

/** Every setting, from the environment (and the optional config file), validated. */
export const AllSettingsConfig = Effect.all({
  nats: NatsSettingsConfig,
  clickhouse: ClickHouseSettingsConfig,
  daemon: DaemonSettingsConfig,
  platform: OptionalPlatformConfig
})

/** NATS connected, the streams, buckets and consumer created, the repositories on top. */
export const natsLayer = (s: NatsSettings) =>
  Layer.mergeAll(JobRepo.layer, WorkItemRepo.layer, ModelRepo.layer, CommandLog.layer, RecoveryRepo.layer).pipe(
    Layer.provideMerge(Layer.effectDiscard(ensureTopology)),
    Layer.provideMerge(Nats.layer(s))
  )

/** The daemon without its HTTP endpoint (tests run several in one process). */
export const daemonCoreLayer = (s: AllSettings) => {
  const base = Layer.mergeAll(natsLayer(s.nats), storeLayer(s.clickhouse), MetricsLive, DaemonSettingsService.make(s.daemon))
  // One platform client (one token, one rate limiter) shared by recovery and live ingestion:
  // layers are memoized by reference within a build.
  const platform = s.platform === undefined ? undefined : timedPlatformClient(s.platform)
  const recovery = platform === undefined ? RecoveryRunner.disabled : RecoveryRunner.layer.pipe(Layer.provide(platform))
  const ingestAndMetrics = platform === undefined
    ? Layer.empty
    : Layer.mergeAll(IngestConsumerLive, PlatformMetricsLive).pipe(Layer.provide(platform))
  const runner = Layer.mergeAll(JobRunner.layer, recovery, NatsLink.layer).pipe(Layer.provideMerge(base))
  const watched = Overview.layer.pipe(Layer.provideMerge(runner))
  return Layer.mergeAll(CommandConsumerLive, WorkConsumerLive, AutoReprocessLive, ApiLive, OverviewMetricsLive, StoreMetricsLive, PendingMetricsLive, ingestAndMetrics).pipe(
    Layer.provideMerge(watched)
  )
}

/** The whole daemon: command consumer, job runner, service API, HTTP. Composed once, here. */
export const daemonLayer = (s: AllSettings) => HttpLive.pipe(Layer.provideMerge(daemonCoreLayer(s)))
