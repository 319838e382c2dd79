/** The `rewind` command line (loaded by src/cli/main.ts, the entry point). */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { Command } from "effect/cli"
import { configProviderLayer } from "../daemon/config.ts"
import { version } from "../daemon/version.ts"
import { exitPastEmbeddedEngine } from "../store/embeddedExit.ts"
import { daemonCommand } from "./daemon.ts"
import { demoCommand } from "./demo.ts"
import { jobCommand } from "./job.ts"
import { describeFailure, terminalLines } from "./output.ts"
import { recoveryCommand } from "./recovery.ts"
import { schemaCommand } from "./schema.ts"
import { simCommand } from "./sim.ts"
import { statusCommand } from "./status.ts"
import { seedCommand } from "./seed.ts"
import { storeCommand } from "./store.ts"
import { topicsCommand } from "./topics.ts"
import { tuiCommand } from "./tui.ts"

const rewind = Command.make("rewind").pipe(
  Command.withDescription(
    "Rewind keeps contact-centre topic analytics correct over time: reprocessing jobs and interaction recovery, driven through NATS"
  ),
  Command.withSubcommands([daemonCommand, statusCommand, jobCommand, recoveryCommand, topicsCommand, tuiCommand, seedCommand, simCommand, storeCommand, demoCommand, schemaCommand])
)

/** A failure already explained to the user on stderr. */
class Reported {
  readonly _tag = "Reported"
  readonly exitCode: number
  constructor(exitCode: number) {
    this.exitCode = exitCode
  }
}

rewind.pipe(
  Command.run({ version }),
  Effect.provide(Layer.mergeAll(NodeServices.layer, configProviderLayer())),
  Effect.catch((e) => {
    // Bad flags or arguments: the framework has printed the help and the problem.
    if (typeof e === "object" && e !== null && "_tag" in e && e._tag === "ShowHelp") {
      const errors = "errors" in e && Array.isArray(e.errors) ? e.errors.length : 0
      return Effect.fail(new Reported(errors > 0 ? 1 : 0))
    }
    return Console.error(`rewind: ${terminalLines(describeFailure(e))}`).pipe(Effect.andThen(Effect.fail(new Reported(1))))
  }),
  (program) =>
    NodeRuntime.runMain(program, {
      disableErrorReporting: true,
      // SIGTERM/SIGINT is how a daemon is asked to stop: a clean stop exits 0.
      teardown: (exit, onExit) => {
        // With the embedded engine loaded, leave without its exit handlers (src/store/embeddedExit.ts).
        const leave = (code: number) => {
          exitPastEmbeddedEngine(code)
          onExit(code)
        }
        if (Exit.isSuccess(exit) || Cause.hasInterruptsOnly(exit.cause)) return leave(0)
        const e = Cause.squash(exit.cause)
        if (e instanceof Reported) return leave(e.exitCode)
        process.stderr.write(`rewind: unexpected failure\n${Cause.pretty(exit.cause)}\n`)
        return leave(1)
      }
    })
)
