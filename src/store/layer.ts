/**
 * The whole store as one layer: ClickHouse (connected, migrated) and the services on it.
 * Build it once per process (the embedded engine allows one data path per process).
 */
import type * as Config from "effect/Config"
import * as Layer from "effect/Layer"
import { ClickHouse } from "./ClickHouse.ts"
import type { ClickHouseSettings } from "./ClickHouseConfig.ts"
import { InteractionStore } from "./InteractionStore.ts"
import { JobResultStore } from "./JobResultStore.ts"
import { RecoveryStore } from "./RecoveryStore.ts"
import { RevertStore } from "./RevertStore.ts"
import type { StoreError } from "./StoreError.ts"
import { TopicWriter } from "./TopicWriter.ts"
import { UsageStore } from "./UsageStore.ts"

export type Store = ClickHouse | InteractionStore | TopicWriter | JobResultStore | UsageStore | RecoveryStore | RevertStore

/** The store services, given a ClickHouse. */
export const StoreServices: Layer.Layer<Exclude<Store, ClickHouse>, never, ClickHouse> =
  Layer.mergeAll(InteractionStore.layer, TopicWriter.layer, JobResultStore.layer, UsageStore.layer, RecoveryStore.layer, RevertStore.layer)

export const storeLayer = (s: ClickHouseSettings): Layer.Layer<Store, StoreError> =>
  StoreServices.pipe(Layer.provideMerge(ClickHouse.layer(s)))

export const storeLayerConfig: Layer.Layer<Store, StoreError | Config.ConfigError> = StoreServices.pipe(
  Layer.provideMerge(ClickHouse.layerConfig)
)
