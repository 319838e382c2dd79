import { existsSync } from "node:fs"
import * as Config from "effect/Config"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { intBetween } from "../domain/configSchemas.ts"

/**
 * How to reach and authenticate to NATS. Secrets are `Redacted`: never log this object
 * (its `toString` would not leak them, but paths and user names are not for logs either).
 */
export interface NatsSettings {
  readonly servers: ReadonlyArray<string>
  readonly prefix: string
  readonly token?: Redacted.Redacted<string>
  readonly user?: string
  readonly password?: Redacted.Redacted<string>
  readonly credsFile?: string
  readonly nkeySeed?: Redacted.Redacted<string>
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string }
  /** Connection name shown by `nats server report connections`. */
  readonly name?: string
  /**
   * Copies JetStream keeps of every stream, KV bucket and the object store (1 to 5; absent: 1).
   * More than 1 needs a NATS cluster with at least that many JetStream servers.
   */
  readonly replicas?: number
}

export const DefaultNatsUrl = "nats://127.0.0.1:4222"
export const DefaultPrefix = "rewind"
/** The setting named in the message when the servers cannot keep that many replicas. */
export const ReplicasKey = "REWIND_NATS_REPLICAS"

const ServerUrl = Schema.Trim.pipe(
  Schema.check(
    Schema.isPattern(/^((nats|tls|ws|wss):\/\/)?[^\s,/]+(:\d+)?\/?$/, {
      message: "expected a comma-separated list of server URLs, e.g. nats://127.0.0.1:4222,nats://10.0.0.2:4222"
    })
  )
)

const Prefix = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^[a-z0-9_-]+$/, {
      message: "expected a subject prefix of lower-case letters, digits, '_' or '-' (e.g. rewind)"
    })
  )
)

const ExistingFile = Schema.String.pipe(
  Schema.check(Schema.makeFilter((path: string) => existsSync(path) ? true : `file not found: ${path}`))
)

const optionalFile = (key: string) => Config.option(Config.schema(ExistingFile, key))
const optionalString = (key: string) => Config.option(Config.NonEmptyString(key))
const optionalSecret = (key: string) => Config.option(Config.Redacted(key))

/** Drops the keys whose value is absent (the settings use exact optional properties). */
const defined = <A extends Record<string, unknown>>(record: A): { [K in keyof A]: Exclude<A[K], undefined> } =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as never

/**
 * `NATS_URL` (comma-separated), `NATS_CREDS`, `NATS_TOKEN`, `NATS_USER`, `NATS_PASSWORD`,
 * `NATS_NKEY_SEED`, `NATS_TLS_CA`, `NATS_TLS_CERT`, `NATS_TLS_KEY`, `REWIND_PREFIX`, `REWIND_NATS_REPLICAS`.
 * A bad value fails with a `ConfigError` naming its key.
 */
export const NatsSettingsConfig: Config.Config<NatsSettings> = Config.all({
  servers: Config.Array(ServerUrl, "NATS_URL").pipe(Config.withDefault([DefaultNatsUrl])),
  prefix: Config.schema(Prefix, "REWIND_PREFIX").pipe(Config.withDefault(DefaultPrefix)),
  replicas: intBetween(ReplicasKey, 1, 5).pipe(Config.withDefault(1)),
  token: optionalSecret("NATS_TOKEN"),
  user: optionalString("NATS_USER"),
  password: optionalSecret("NATS_PASSWORD"),
  credsFile: optionalFile("NATS_CREDS"),
  nkeySeed: optionalSecret("NATS_NKEY_SEED"),
  caFile: optionalFile("NATS_TLS_CA"),
  certFile: optionalFile("NATS_TLS_CERT"),
  keyFile: optionalFile("NATS_TLS_KEY")
}).pipe(
  Config.map((c): NatsSettings => {
    const tls = defined({
      caFile: Option.getOrUndefined(c.caFile),
      certFile: Option.getOrUndefined(c.certFile),
      keyFile: Option.getOrUndefined(c.keyFile)
    })
    return defined({
      servers: c.servers.filter((s) => s !== ""),
      prefix: c.prefix,
      replicas: c.replicas,
      token: Option.getOrUndefined(c.token),
      user: Option.getOrUndefined(c.user),
      password: Option.getOrUndefined(c.password),
      credsFile: Option.getOrUndefined(c.credsFile),
      nkeySeed: Option.getOrUndefined(c.nkeySeed),
      tls: Object.keys(tls).length > 0 ? tls : undefined
    })
  })
)
