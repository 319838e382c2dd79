#!/usr/bin/env node
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { Command } from "effect/cli"
import { configProviderLayer } from "../daemon/config.ts"
import { version } from "../daemon/version.ts"
import { daemonCommand } from "./daemon.ts"
import { demoCommand } from "./demo.ts"
import { jobCommand } from "./job.ts"
import { schemaCommand } from "./schema.ts"
import { seedCommand } from "./seed.ts"
import { topicsCommand } from "./topics.ts"

const rewind = Command.make("rewind").pipe(
  Command.withDescription(
    "Rewind keeps contact-centre topic analytics correct over time: reprocessing jobs and interaction recovery, driven through NATS"
  ),
  Command.withSubcommands([daemonCommand, jobCommand, topicsCommand, seedCommand, demoCommand, schemaCommand])
)

rewind.pipe(
  Command.run({ version }),
  Effect.provide(Layer.mergeAll(NodeServices.layer, configProviderLayer())),
  NodeRuntime.runMain
)
