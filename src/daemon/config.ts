import { intBetween } from "../domain/configSchemas.ts"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"
import { MaxJobInteractions, MaxPageInteractions } from "../domain/job.ts"
import { platformConfigKeys } from "../platform/PlatformConfig.ts"
import { parseConfigText } from "./configFile.ts"

/** Daemon settings that are not an adapter's own (NATS and ClickHouse read theirs). */
export interface DaemonSettings {
  readonly httpPort: number
  readonly httpHost: string
  /** Jobs run at once by this daemon. SPEC: one at a time by default. */
  readonly jobConcurrency: number
  /** Interactions per page read from the store (at most 500: see MaxPageInteractions). */
  readonly pageSize: number
  /** Agent licences: each brings 2,000 free interactions a month. */
  readonly quotaAgents: number
  readonly billingEnabled: boolean
  /** Most interactions one job may process: 250,000 (the SPEC's limit) or a stricter one. */
  readonly maxJobInteractions: number
  /** Largest command accepted, in bytes. */
  readonly maxCommandBytes: number
  /** Automatic recovery every N minutes (0: off). Needs the platform configured. */
  readonly recoveryIntervalMinutes: number
  /** Automatic runs stop this long before now, so the platform has settled. */
  readonly recoverySettleMinutes: number
  /** Where the first automatic run starts when there is no watermark. */
  readonly recoveryLookBackHours: number
  /**
   * A running job or recovery run whose owner has not sent a heartbeat for this long (it was
   * killed, or lost its connection) is taken over by another daemon, or by the restarted one.
   */
  readonly takeoverAfterSeconds: number
  /**
   * How long a job keeps waiting when NATS stops answering (a restart, a pause, a lost
   * connection) before this daemon lets it go; it stays InProgress at its checkpoint and is
   * resumed once NATS answers. A NATS outage never fails a job.
   */
  readonly natsWaitSeconds: number
  /**
   * After a topic model push, a reprocessing job over the programs whose detection changed, over
   * the last this many days (0: off). Proposed for an operator to confirm, or queued at once when
   * `autoReprocess` is "publish".
   */
  readonly autoReprocessDays: number
  readonly autoReprocess: "propose" | "publish"
  /**
   * A job's scope is cut into work items of this many interactions; every daemon pulls items
   * from the work queue, so several daemons share one large job.
   */
  readonly workItemInteractions: number
  readonly logLevel: "Trace" | "Debug" | "Info" | "Warn" | "Error"
  readonly instanceName: string
}


/** How often an owner refreshes its heartbeat: well inside the takeover window, at most every 5 s. */
export const heartbeatMillis = (s: Pick<DaemonSettings, "takeoverAfterSeconds">): number =>
  Math.min(5_000, Math.floor((s.takeoverAfterSeconds * 1000) / 3))

export const DaemonSettingsConfig: Config.Config<DaemonSettings> = Config.all({
  httpPort: Config.Port("REWIND_HTTP_PORT").pipe(Config.withDefault(9464)),
  httpHost: Config.String("REWIND_HTTP_HOST").pipe(Config.withDefault("0.0.0.0")),
  jobConcurrency: intBetween("REWIND_JOB_CONCURRENCY", 1, 16).pipe(Config.withDefault(1)),
  pageSize: intBetween("REWIND_PAGE_SIZE", 10, MaxPageInteractions).pipe(Config.withDefault(MaxPageInteractions)),
  quotaAgents: intBetween("REWIND_QUOTA_AGENTS", 0, 10_000_000).pipe(Config.withDefault(10)),
  billingEnabled: Config.Boolean("REWIND_BILLING_ENABLED").pipe(Config.withDefault(true)),
  maxJobInteractions: intBetween("REWIND_MAX_JOB_INTERACTIONS", 1, MaxJobInteractions).pipe(Config.withDefault(MaxJobInteractions)),
  maxCommandBytes: intBetween("REWIND_MAX_COMMAND_BYTES", 1024, 8 * 1024 * 1024).pipe(Config.withDefault(256 * 1024)),
  recoveryIntervalMinutes: intBetween("REWIND_RECOVERY_INTERVAL_MINUTES", 0, 24 * 60).pipe(Config.withDefault(15)),
  recoverySettleMinutes: intBetween("REWIND_RECOVERY_SETTLE_MINUTES", 0, 24 * 60).pipe(Config.withDefault(30)),
  recoveryLookBackHours: intBetween("REWIND_RECOVERY_LOOKBACK_HOURS", 1, 31 * 24).pipe(Config.withDefault(24)),
  takeoverAfterSeconds: intBetween("REWIND_TAKEOVER_AFTER_SECONDS", 3, 3600).pipe(Config.withDefault(30)),
  natsWaitSeconds: intBetween("REWIND_NATS_WAIT_SECONDS", 5, 86_400).pipe(Config.withDefault(300)),
  autoReprocessDays: intBetween("REWIND_AUTO_REPROCESS_DAYS", 0, 3_650).pipe(Config.withDefault(0)),
  autoReprocess: Config.Literals(["propose", "publish"], "REWIND_AUTO_REPROCESS").pipe(Config.withDefault("propose" as const)),
  workItemInteractions: intBetween("REWIND_WORK_ITEM_INTERACTIONS", 10, MaxJobInteractions).pipe(Config.withDefault(10_000)),
  logLevel: Config.Literals(["Trace", "Debug", "Info", "Warn", "Error"], "REWIND_LOG_LEVEL").pipe(Config.withDefault("Info" as const)),
  instanceName: Config.String("REWIND_INSTANCE").pipe(Config.withDefault(`rewind-${process.pid}`))
})

/** Keys a config file may set: the same names as the environment variables. */
export const knownConfigKeys = [
  "NATS_URL", "NATS_CREDS", "NATS_TOKEN", "NATS_USER", "NATS_PASSWORD", "NATS_NKEY_SEED",
  "NATS_TLS_CA", "NATS_TLS_CERT", "NATS_TLS_KEY", "REWIND_PREFIX", "REWIND_NATS_REPLICAS",
  "CLICKHOUSE_URL", "CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD", "CLICKHOUSE_DATABASE", "REWIND_CLICKHOUSE_CLUSTER", "REWIND_DATA_DIR",
  "REWIND_HTTP_PORT", "REWIND_HTTP_HOST", "REWIND_JOB_CONCURRENCY", "REWIND_PAGE_SIZE", "REWIND_QUOTA_AGENTS",
  "REWIND_BILLING_ENABLED", "REWIND_MAX_JOB_INTERACTIONS", "REWIND_MAX_COMMAND_BYTES", "REWIND_LOG_LEVEL", "REWIND_INSTANCE",
  "REWIND_RECOVERY_INTERVAL_MINUTES", "REWIND_RECOVERY_SETTLE_MINUTES", "REWIND_RECOVERY_LOOKBACK_HOURS",
  "REWIND_TAKEOVER_AFTER_SECONDS", "REWIND_NATS_WAIT_SECONDS", "REWIND_WORK_ITEM_INTERACTIONS",
  "REWIND_AUTO_REPROCESS_DAYS", "REWIND_AUTO_REPROCESS",
  ...platformConfigKeys
] as const

export class ConfigFileError extends Schema.TaggedError<ConfigFileError>()("ConfigFileError", {
  message: Schema.String
}) {}

/**
 * Reads an optional config file (YAML or JSON) of `KEY: value` pairs with the environment
 * variables' names. Unknown keys are refused, naming the key. Environment variables win.
 * Values keep their text as written; a syntax error is told by line, column and key, never by
 * quoting the file (it holds secrets): see configFile.ts.
 */
export const readConfigFile = (path: string): Effect.Effect<Record<string, string>, ConfigFileError> =>
  Effect.try({
    try: () => parseConfigText(readFileSync(path, "utf8"), path.endsWith(".json"), knownConfigKeys),
    catch: (e) => new ConfigFileError({ message: `config file ${path}: ${e instanceof Error ? e.message : String(e)}` })
  })

/** The config provider: environment first, then the optional file named by REWIND_CONFIG. */
export const configProviderLayer = (env: Record<string, string | undefined> = process.env): Layer.Layer<never, ConfigFileError> => {
  const file = env["REWIND_CONFIG"]
  if (!file) return ConfigProvider.layer(ConfigProvider.fromEnv({ env: env as Record<string, string> }))
  return ConfigProvider.layer(
    readConfigFile(file).pipe(
      Effect.map((values) =>
        ConfigProvider.orElse(ConfigProvider.fromEnv({ env: env as Record<string, string> }), ConfigProvider.fromUnknown(values))
      )
    )
  )
}
