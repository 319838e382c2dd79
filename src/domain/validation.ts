import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { decodeUtf8 } from "./utf8.ts"

export interface Invalid {
  /** Every problem, `field: why`, joined with `; `. */
  readonly reason: string
  /** The first offending field, as a path like `filters.queues[2]`; several, comma-separated, when they fail together. */
  readonly field: string | undefined
  readonly issues: ReadonlyArray<{ readonly field: string; readonly message: string }>
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** A key naming several fields at once (`dateStart,dateEnd`): each is prefixed by the parent path. */
const keyString = (parent: string, key: string): string =>
  parent === "" ? key : key.split(",").map((k) => `${parent}.${k}`).join(",")

export const pathString = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : keyString(acc, String(p))), "")

/**
 * A check's failure that concerns several fields together (a date range, a pair of bounds):
 * reported at all of them, comma-separated (`dateStart,dateEnd`), as `field` and `Rewind-Field`.
 */
export const fieldsIssue = (fields: ReadonlyArray<string>, issue: string) => ({ path: [fields.join(",")], issue })

const friendly = (message: string) => (message === "Expected no excess property" ? "unknown field" : message)

export const describeIssue = (issue: SchemaIssue.Issue): Invalid => {
  const issues = formatter(issue).issues.map((i) => ({
    field: pathString((i.path ?? []).map((p) => (typeof p === "object" && p !== null && "key" in p ? p.key : p)) as ReadonlyArray<PropertyKey>),
    message: friendly(i.message)
  }))
  return {
    reason: issues.map((i) => (i.field === "" ? i.message : `${i.field}: ${i.message}`)).join("; "),
    field: issues[0]?.field || undefined,
    issues
  }
}

/** Strict decoding at a boundary: all errors, unknown fields refused. */
export const decodeStrict = <S extends Schema.Decoder<unknown>>(schema: S) => {
  const decode = Schema.decodeUnknownExit(schema as never) as (
    u: unknown,
    o: { errors: "all"; onExcessProperty: "error" }
  ) => Exit.Exit<S["Type"], Schema.SchemaError>
  return (input: unknown): Result.Result<S["Type"], Invalid> => {
    const exit = decode(input, { errors: "all", onExcessProperty: "error" })
    if (Exit.isSuccess(exit)) return Result.succeed(exit.value)
    const err = Cause.squash(exit.cause)
    if (Schema.isSchemaError(err)) return Result.fail(describeIssue(err.issue))
    return Result.fail({ reason: String(err), field: undefined, issues: [] })
  }
}

const malformed = (why: string): Result.Result<never, Invalid> =>
  Result.fail({ reason: `malformed JSON: ${why}`, field: undefined, issues: [] })

/** Strict UTF-8 (RFC 8259 JSON is UTF-8) then JSON.parse, with a message fit for a rejection. */
export const parseJson = (bytes: Uint8Array): Result.Result<unknown, Invalid> => {
  const text = decodeUtf8(bytes)
  if (Result.isFailure(text)) return malformed(text.failure)
  try {
    return Result.succeed(JSON.parse(text.success) as unknown)
  } catch (e) {
    return malformed(e instanceof Error ? e.message : String(e))
  }
}
