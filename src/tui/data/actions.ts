import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { publishCommand } from "../../client/natsClient.ts"
import { describeFailure } from "../../client/failure.ts"
import { getExport } from "../../nats/Exports.ts"
import { Nats } from "../../nats/Nats.ts"
import type { PreviewAnswer } from "../../domain/preview.ts"
import type { CommandName } from "../../nats/names.ts"
import { requestApi } from "../../nats/Service.ts"
import type { Actions } from "../App.ts"
import type { ConnectionRef } from "./feeds/connection.ts"
import type { TuiState } from "./state.ts"
import type { Store } from "./store.ts"

const commandId = (what: string) => `tui-${what}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`

/** The dashboard's actions over the current connection: commands to the command stream, queries to the API. */
export const natsActions = (ref: ConnectionRef, store: Store<TuiState>): Actions => {
  const run = <A>(effect: Effect.Effect<A, unknown, Nats>): Promise<A> => {
    const nats = ref.current
    if (nats === undefined) return Promise.reject(new Error("not connected to NATS"))
    return Effect.runPromise(effect.pipe(
      Effect.provideService(Nats, nats),
      Effect.mapError((e) => new Error(describeFailure(e)))
    ))
  }

  /** Publishes a command, remembering its id so a rejection can be shown. */
  const command = (name: CommandName, label: string, body: Record<string, unknown>, id = commandId(name.replace(".", "-"))) => {
    store.update((s) => ({ ...s, pending: new Map([...[...s.pending].slice(-49), [id, label]]) }))
    return run(publishCommand(name, { ...body, commandId: id })).then((ack) => ({ id, seq: ack.seq }))
  }

  return {
    cancelJob: (jobId) =>
      command("job.cancel", `job.cancel ${jobId}`, { jobId }).then(({ seq }) => `published job.cancel for ${jobId} (stream seq ${seq})`),
    deleteJob: (jobId) =>
      command("job.delete", `job.delete ${jobId}`, { jobId }).then(({ seq }) => `published job.delete for ${jobId} (stream seq ${seq})`),
    retryJob: (jobId) =>
      command("job.retry", `job.retry ${jobId}`, { jobId }).then(({ seq }) => `published job.retry for ${jobId} (stream seq ${seq})`),
    exportJob: (jobId, path) =>
      run(Effect.gen(function*() {
        const info = (yield* requestApi("job.export", { jobId })) as { name: string; bucket: string; rows: number; size: number }
        const bytes = yield* getExport(info.name)
        if (Option.isNone(bytes)) return yield* Effect.fail(new Error(`export object ${info.name} not found in ${info.bucket}`))
        const target = resolve(path)
        yield* Effect.try({ try: () => writeFileSync(target, bytes.value), catch: (e) => new Error(`cannot write ${target}: ${describeFailure(e)}`) })
        return `exported ${info.rows} impacted interactions of ${jobId} (${info.size} bytes) to ${target}`
      })),
    previewJob: (body) => run(requestApi("job.preview", body, 120_000)) as Promise<PreviewAnswer>,
    createJob: (body) =>
      command("job.create", `job.create ${String(body["name"])}`, body).then(({ seq }) => `published job.create (stream seq ${seq}): job job-${seq}`),
    runRecovery: (from, to) => {
      const id = commandId("recovery-run")
      // recorded first: the daemon's answer may come before the publish acknowledgement
      store.update((s) => ({ ...s, recovery: { ...s.recovery, lastRequest: { commandId: id, from, to, at: Date.now(), status: "published" } } }))
      return command("recovery.run", `recovery.run ${from} → ${to}`, { from, to }, id)
        .then(({ seq }) => `published recovery.run ${from} → ${to} (stream seq ${seq})`)
    }
  }
}
