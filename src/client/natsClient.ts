/**
 * A client of a Rewind installation over NATS, shared by the CLI and the dashboard: the
 * connection from the daemon's environment variables, the repositories, and publishing commands.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createHash } from "node:crypto"
import type { CommandName } from "../nats/names.ts"
import { Nats, natsTry } from "../nats/Nats.ts"
import { NatsSettingsConfig } from "../nats/NatsConfig.ts"
import { JobRepo } from "../repos/JobRepo.ts"
import { ModelRepo } from "../repos/ModelRepo.ts"
import { ensureTopology } from "../nats/Topology.ts"

/** NATS for CLI commands, from the same environment variables as the daemon. */
export const NatsClientLayer = Layer.unwrap(Effect.map(NatsSettingsConfig, (s) =>
  Nats.layer({ ...s, name: "rewind-cli" })))

/** NATS plus the repositories (creates streams and buckets if this is the first use). */
export const NatsReposLayer = Layer.mergeAll(JobRepo.layer, ModelRepo.layer).pipe(
  Layer.provideMerge(Layer.effectDiscard(ensureTopology)),
  Layer.provideMerge(NatsClientLayer)
)

/**
 * Publishes a command to the durable command stream; returns its stream sequence. A command with
 * a `commandId` goes with a `Nats-Msg-Id` of that id and its bytes' hash: the same command
 * published again within the stream's duplicate window (2 min) is stored once (`duplicate`, the
 * sequence the first got), while a corrected one under the same id (the daemon releases a refused
 * command's id) goes through.
 */
export const publishCommand = (name: CommandName, body: Record<string, unknown>) =>
  Effect.gen(function*() {
    const nats = yield* Nats
    const commandId = typeof body["commandId"] === "string" ? body["commandId"] : undefined
    const bytes = JSON.stringify(body)
    const msgID = commandId === undefined ? undefined : `${commandId}:${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}`
    const ack = yield* natsTry(`publishing ${name}`, () => nats.js.publish(nats.names.cmd(name), bytes, msgID === undefined ? {} : { msgID }))
    return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate }
  })
