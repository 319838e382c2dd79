import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import { type DaemonSettings, DaemonSettingsConfig } from "./config.ts"

/** The daemon's validated settings as a service. */
export class DaemonSettingsService extends Context.Service<DaemonSettingsService, DaemonSettings>()(
  "rewind/daemon/DaemonSettingsService"
) {
  static readonly layer = Layer.effect(DaemonSettingsService, DaemonSettingsConfig)
  static readonly make = (s: DaemonSettings) => Layer.succeed(DaemonSettingsService, s)
}
