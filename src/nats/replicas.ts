import type { NatsConnection } from "@nats-io/transport-node"
import * as Effect from "effect/Effect"
import { NatsError } from "./Nats.ts"
import { ReplicasKey } from "./NatsConfig.ts"

/**
 * JetStream API error codes that mean "the servers cannot keep that many copies": 10074
 * (replicas > 1 not supported in non-clustered mode), 10005 (no suitable peers for placement),
 * 10023 (insufficient resources).
 */
const cannotPlace = new Set([10074, 10005, 10023])

const advice = (replicas: number) =>
  `set ${ReplicasKey} to at most the number of JetStream servers of the NATS cluster (1 for a single server), ` +
  `or NATS_URL to a cluster of at least ${replicas} servers`

/**
 * Fails when more than one replica is asked of a server that is not part of a cluster. Such a
 * server refuses to create a stream with replicas > 1, but it accepts raising an existing
 * stream's replicas and goes on keeping one copy: checked before anything is created or updated.
 */
export const checkReplicasPossible = (nc: NatsConnection, replicas: number): Effect.Effect<void, NatsError> =>
  replicas <= 1 || nc.info?.cluster !== undefined
    ? Effect.void
    : Effect.fail(
      new NatsError({
        message: `${ReplicasKey}=${replicas}, but the NATS server ${nc.getServer()} is a single server, not a cluster: ` +
          `it keeps one copy of each stream. ${advice(replicas)}`
      })
    )

const codeOf = (cause: unknown): number | undefined => {
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined
  return typeof code === "number" ? code : undefined
}

/**
 * A failure to create or update a stream, KV bucket or object store because the cluster cannot
 * place `replicas` copies, told as a setting that does not fit; any other failure as it is.
 */
export const explainReplicas = (replicas: number) => (e: NatsError): NatsError => {
  const code = codeOf(e.cause)
  if (code === undefined || !cannotPlace.has(code)) return e
  return new NatsError({
    message: `${ReplicasKey}=${replicas}: the NATS servers cannot keep ${replicas} copies (${e.message}). ${advice(replicas)}`,
    cause: e.cause
  })
}
