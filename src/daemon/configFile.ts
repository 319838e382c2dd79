/**
 * The config file's text to `KEY: value` strings. A file holds secrets, so what goes wrong is
 * told by line, column and key, never by quoting the text (a YAML or JSON parser's own message
 * quotes the line it stopped at). Values keep their text as written: `NATS_TOKEN: 00123` is
 * "00123", not the number 123.
 */
import { isMap, isScalar, parseDocument } from "yaml"

/** A bad config file; its message never holds any of the file's text besides known key names. */
export class ConfigTextError extends Error {
  override readonly name = "ConfigTextError"
}

const lineColumn = (text: string, offset: number) => {
  const before = text.slice(0, offset)
  const line = before.split("\n").length
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 }
}

const looksLikeKey = (k: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)

const at = (line: number, column: number, key: string | undefined, reason: string) =>
  new ConfigTextError(`line ${line}, column ${column}${key !== undefined ? ` (key ${key})` : ""}: ${reason}`)

/** A YAML error code said in words (the parser's message would quote the source). */
const yamlReasons: Record<string, string> = {
  BAD_SCALAR_START: "a plain value cannot start with this character (quote the value)",
  DUPLICATE_KEY: "a key appears twice",
  MISSING_CHAR: "a closing quote or bracket is missing",
  BAD_INDENT: "bad indentation",
  BLOCK_AS_IMPLICIT_KEY: "a value holds ': ' (quote the value)",
  MULTIPLE_DOCS: "more than one YAML document",
  TAB_AS_INDENT: "a tab used as indentation"
}

/** The known key of the last top-level entry starting at or before `offset`: the one being read there. */
const yamlKeyAt = (contents: unknown, offset: number, known: ReadonlyArray<string>): string | undefined => {
  if (!isMap(contents)) return undefined
  let key: unknown
  for (const pair of contents.items) {
    if (!isScalar(pair.key) || !pair.key.range || pair.key.range[0] > offset) break
    key = pair.key.value
  }
  return typeof key === "string" && known.includes(key) ? key : undefined
}

const fromYaml = (text: string, known: ReadonlyArray<string>): Record<string, string> => {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true })
  const error = doc.errors[0]
  if (error !== undefined) {
    const pos = lineColumn(text, error.pos[0])
    const line = error.linePos?.[0].line ?? pos.line
    const column = error.linePos?.[0].col ?? pos.column
    const reason = yamlReasons[error.code] ?? `not valid YAML (${error.code.toLowerCase().replaceAll("_", " ")})`
    throw at(line, column, yamlKeyAt(doc.contents, error.pos[0], known), reason)
  }
  const contents = doc.contents
  if (contents === null || (isScalar(contents) && contents.value === null)) return {}
  if (!isMap(contents)) throw new ConfigTextError("expected a map of KEY: value")
  const out: Record<string, string> = {}
  for (const pair of contents.items) {
    const keyNode = pair.key
    const where = isScalar(keyNode) && keyNode.range ? lineColumn(text, keyNode.range[0]) : undefined
    if (!isScalar(keyNode) || typeof keyNode.value !== "string") {
      throw new ConfigTextError(`${where ? `line ${where.line}: ` : ""}a key that is not a variable name`)
    }
    const k = keyNode.value
    checkKey(k, known, where?.line)
    const v = pair.value
    const value: unknown = isScalar(v) ? v.value : undefined
    // Numbers as written (leading zeros, hex, long digit runs); strings and booleans as read.
    if (isScalar(v) && (typeof value === "number" || typeof value === "bigint")) out[k] = v.source ?? String(value)
    else if (typeof value === "string" || typeof value === "boolean") out[k] = String(value)
    else throw new ConfigTextError(`${k}: expected a string, number or boolean`)
  }
  return out
}

const checkKey = (k: string, known: ReadonlyArray<string>, line?: number) => {
  if (known.includes(k)) return
  // A key that is not a variable name may be a value written without its key: not quoted.
  throw new ConfigTextError(
    looksLikeKey(k)
      ? `unknown key ${JSON.stringify(k)} (known: ${known.join(", ")})`
      : `${line !== undefined ? `line ${line}: ` : ""}a key that is not a variable name (known: ${known.join(", ")})`
  )
}

class JsonStop {
  readonly offset: number
  readonly reason: string
  constructor(offset: number, reason: string) {
    this.offset = offset
    this.reason = reason
  }
}

/** Where JSON text stops being JSON, why, and the top-level key being read then. */
export const jsonSyntaxError = (text: string): { offset: number; reason: string; key: string | undefined } | undefined => {
  let i = 0
  let depth = 0
  let key: string | undefined
  const stop = (reason: string): never => {
    throw new JsonStop(i, i >= text.length ? "the text ends too early" : reason)
  }
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++
  }
  const string = (): string => {
    const start = i
    i++
    for (;;) {
      if (i >= text.length) stop("a string is not closed")
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        i++
        return text.slice(start, i)
      }
      if (c < 0x20) stop("a control character (a line break?) inside a string")
      if (c === 0x5c) {
        i++
        const e = text[i]
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 5
        else if (e !== undefined && "\"\\/bfnrt".includes(e)) i++
        else stop("a bad escape in a string")
      } else i++
    }
  }
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]"
      depth++
      i++
      ws()
      if (text[i] === close) {
        i++
        depth--
        return
      }
      for (;;) {
        if (c === "{") {
          ws()
          if (depth === 1) key = undefined
          if (text[i] !== "\"") stop("expected a key in double quotes")
          const k = string()
          if (depth === 1) key = JSON.parse(k) as string
          ws()
          if (text[i] !== ":") stop("expected ':' after a key")
          i++
        }
        value()
        ws()
        if (text[i] === ",") {
          i++
          continue
        }
        if (text[i] === close) {
          i++
          depth--
          return
        }
        stop(`expected ',' or '${close}'`)
      }
    }
    if (c === "\"") {
      string()
      return
    }
    number.lastIndex = i
    const n = number.exec(text)
    if (n !== null) {
      i += n[0].length
      return
    }
    for (const literal of ["true", "false", "null"]) {
      if (text.startsWith(literal, i)) {
        i += literal.length
        return
      }
    }
    stop("expected a value (strings are in double quotes)")
  }
  try {
    value()
    ws()
    if (i < text.length) stop("more text after the JSON value")
    return undefined
  } catch (e) {
    if (e instanceof JsonStop) return { offset: e.offset, reason: e.reason, key }
    throw e
  }
}

const fromJson = (text: string, known: ReadonlyArray<string>): Record<string, string> => {
  let data: unknown
  try {
    // Numbers as written: the reviver's context holds a primitive's source text (Node ≥ 21).
    data = JSON.parse(text, (_k, v: unknown, context?: { readonly source?: string }) =>
      typeof v === "number" && context?.source !== undefined ? context.source : v)
  } catch {
    const stopped = jsonSyntaxError(text)
    if (stopped === undefined) throw new ConfigTextError("not valid JSON")
    const { line, column } = lineColumn(text, stopped.offset)
    throw at(line, column, stopped.key !== undefined && known.includes(stopped.key) ? stopped.key : undefined, stopped.reason)
  }
  if (data === null) return {}
  if (typeof data !== "object" || Array.isArray(data)) throw new ConfigTextError("expected a map of KEY: value")
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(data)) {
    checkKey(k, known)
    if (v === null || typeof v === "object") throw new ConfigTextError(`${k}: expected a string, number or boolean`)
    out[k] = String(v)
  }
  return out
}

/** A config file's values (YAML, or JSON for a `.json` file); refuses keys not in `known`. */
export const parseConfigText = (text: string, json: boolean, known: ReadonlyArray<string>): Record<string, string> =>
  json ? fromJson(text, known) : fromYaml(text, known)
