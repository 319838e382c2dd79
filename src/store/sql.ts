/**
 * Small helpers shared by the store services: running queries and inserts through
 * `@clickhouse/client` with every value in `query_params`, and converting instants.
 *
 * SQL text is built only from constants of this folder and the database name, which is an
 * identifier validated against `[A-Za-z_][A-Za-z0-9_]*` (config + `tableNames`). Values —
 * ids, dates, arrays, versions — always travel as `{name:Type}` query parameters.
 */
import type { ClickHouseClient } from "@clickhouse/client"
import * as Effect from "effect/Effect"
import { DatabaseIdentifierPattern } from "./ClickHouseConfig.ts"
import { messageOf, StoreError } from "./StoreError.ts"

/** Rows per INSERT statement. */
export const InsertBatchRows = 50_000

export const tableNames = (database: string) => {
  if (!DatabaseIdentifierPattern.test(database)) {
    throw new Error(`invalid ClickHouse database name ${JSON.stringify(database)}`)
  }
  const t = (name: string) => `\`${database}\`.${name}`
  return {
    schemaMigrations: t("schema_migrations"),
    interactions: t("interactions"),
    transcriptBlocks: t("transcript_blocks"),
    blockTopics: t("block_topics"),
    blockTopicHistory: t("block_topic_history"),
    blockTopicHistoryView: t("block_topic_history_mv"),
    jobResults: t("job_results"),
    usageMonthly: t("usage_monthly"),
    recoveryCounts: t("recovery_counts"),
    recoveryPending: t("recovery_pending")
  } as const
}
export type TableNames = ReturnType<typeof tableNames>

/**
 * Characters of ids per query parameter. Over HTTP a parameter is one field of the request, and
 * ClickHouse refuses a field longer than `http_max_field_value_size` (128 KiB by default, about
 * 3,300 UUIDs; "HTML Form Exception: Field value too long") — the embedded engine has no such
 * limit. Half of it leaves room for quoting and escaping.
 */
export const ParamChars = 64 * 1024

/**
 * `ids` without repeats, in chunks that each fit one query parameter: for lists whose length has
 * no small bound (recovery's pending conversations), read chunk by chunk.
 */
export const idChunks = (ids: ReadonlyArray<string>, maxChars: number = ParamChars): Array<Array<string>> => {
  const chunks: Array<Array<string>> = []
  let chunk: Array<string> = []
  let chars = 0
  for (const id of new Set(ids)) {
    const cost = id.length + 3 // quotes and a comma
    if (chunk.length > 0 && chars + cost > maxChars) {
      chunks.push(chunk)
      chunk = []
      chars = 0
    }
    chunk.push(id)
    chars += cost
  }
  if (chunk.length > 0) chunks.push(chunk)
  return chunks
}

/** An ISO instant → ClickHouse `DateTime64(3, 'UTC')` text (`YYYY-MM-DD HH:MM:SS.mmm`). */
export const toChTime = (iso: string | number): string => {
  const ms = typeof iso === "number" ? iso : Date.parse(iso)
  if (Number.isNaN(ms)) throw new Error(`invalid instant ${JSON.stringify(iso)}`)
  return new Date(ms).toISOString().replace("T", " ").slice(0, 23)
}

/** ClickHouse `DateTime64(3, 'UTC')` text → canonical ISO instant (`…T…Z`, milliseconds). */
export const fromChTime = (s: string): string => {
  // `YYYY-MM-DD HH:MM:SS.mmm` from a DateTime64(3, 'UTC') column.
  if (s.length === 23) return `${s.slice(0, 10)}T${s.slice(11)}Z`
  return new Date(Date.parse(`${s.replace(" ", "T")}Z`)).toISOString()
}

export const nowCh = (): string => toChTime(Date.now())

const fail = (operation: string) => (cause: unknown) => new StoreError({ operation, message: messageOf(cause), cause })

export type Params = Record<string, unknown>

/**
 * Run a SELECT and return its rows as arrays (format `JSONCompact`: one JSON document,
 * parsed once). For small results and Array columns; big scalar reads use `selectTsv`.
 */
export const selectRows = <Row extends ReadonlyArray<unknown>>(
  client: ClickHouseClient,
  operation: string,
  query: string,
  params: Params
): Effect.Effect<ReadonlyArray<Row>, StoreError> =>
  Effect.tryPromise({
    try: async (signal) => {
      const rs = await client.query({ query, format: "JSONCompact", query_params: params, abort_signal: signal })
      const body = await rs.json<Row>()
      return body.data
    },
    catch: fail(operation)
  })

const tsvEscapes: Readonly<Record<string, string>> = {
  b: "\b",
  f: "\f",
  r: "\r",
  n: "\n",
  t: "\t",
  "0": "\0",
  a: "\x07",
  v: "\v",
  "'": "'",
  "\\": "\\"
}

/** Undo TabSeparated escaping (`\t`, `\n`, `\\`, …) of one field. */
export const unescapeTsv = (field: string): string =>
  field.indexOf("\\") < 0 ? field : field.replace(/\\([\s\S])/g, (_, c: string) => tsvEscapes[c] ?? c)

/**
 * Run a SELECT of scalar columns (strings, numbers) and return its fields as strings, row
 * by row, in format `TabSeparated`. For the big reads (blocks, topics): the engine writes
 * TabSeparated about twice as fast as the JSON formats and it parses with two splits.
 * Not for Array/Nullable columns.
 */
export const selectTsv = (
  client: ClickHouseClient,
  operation: string,
  query: string,
  params: Params
): Effect.Effect<ReadonlyArray<ReadonlyArray<string>>, StoreError> =>
  Effect.tryPromise({
    try: async (signal) => {
      const rs = await client.query({ query, format: "TabSeparated", query_params: params, abort_signal: signal })
      const text = await rs.text()
      if (text.length === 0) return []
      const lines = text.split("\n")
      if (lines[lines.length - 1] === "") lines.pop()
      const rows: Array<Array<string>> = new Array(lines.length)
      for (let i = 0; i < lines.length; i++) {
        const fields = lines[i]!.split("\t")
        for (let k = 0; k < fields.length; k++) {
          const f = fields[k]!
          if (f.indexOf("\\") >= 0) fields[k] = unescapeTsv(f)
        }
        rows[i] = fields
      }
      return rows
    },
    catch: fail(operation)
  })

/** Run a statement without result (DDL, DELETE). */
export const command = (
  client: ClickHouseClient,
  operation: string,
  query: string,
  params: Params = {}
): Effect.Effect<void, StoreError> =>
  Effect.tryPromise({
    try: (signal) => client.command({ query, query_params: params, abort_signal: signal }),
    catch: fail(operation)
  }).pipe(Effect.asVoid)

/**
 * Insert rows (arrays in `columns` order) in batches of `InsertBatchRows`. With `dedupToken`
 * (tables with `non_replicated_deduplication_window`, migration 7), an insert repeated with the
 * same token — a page written again after a crash or a redelivery — is dropped by the engine,
 * so the table holds no duplicate rows even before merges.
 */
export const insertRows = (
  client: ClickHouseClient,
  operation: string,
  table: string,
  columns: readonly [string, ...Array<string>],
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
  dedupToken?: string
): Effect.Effect<void, StoreError> =>
  Effect.tryPromise({
    try: async (signal) => {
      for (let from = 0; from < rows.length; from += InsertBatchRows) {
        await client.insert({
          table,
          columns: [...columns],
          values: rows.slice(from, from + InsertBatchRows),
          format: "JSONCompactEachRow",
          abort_signal: signal,
          // Always set: the embedded engine applies settings to its session (SET), so a token
          // left by one insert would drop the next untokened one.
          clickhouse_settings: { insert_deduplication_token: dedupToken === undefined ? "" : `${dedupToken}#${from}` }
        })
      }
    },
    catch: fail(operation)
  })

/** Wrap a synchronous step that may throw (e.g. converting an invalid instant). */
export const attemptSync = <A>(operation: string, f: () => A): Effect.Effect<A, StoreError> =>
  Effect.try({ try: f, catch: fail(operation) })

/** Wrap any other promise-returning store step. */
export const attempt = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, StoreError> =>
  Effect.tryPromise({ try: f, catch: fail(operation) })
