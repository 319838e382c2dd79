/**
 * The official Genesys SDK's models (purecloud-platform-client-v2's index.d.ts) as data, to check
 * JSON against them at run time: every field a value carries must be one the model declares,
 * with the declared type (nested models, arrays and maps included), and every required field
 * must be there. The SDK's JavaScript client does not check answers itself; this is what
 * "parses with the SDK's models" means for the contract tests.
 */
import { readFileSync } from "node:fs"

interface Field {
  readonly type: string
  readonly required: boolean
}

/** `Namespace.Interface` (Models.Recording, RecordingApi.getConversationRecordingOptions) → its fields. */
const parse = (dts: string): ReadonlyMap<string, ReadonlyMap<string, Field>> => {
  const out = new Map<string, ReadonlyMap<string, Field>>()
  const namespaces = dts.split(/^declare namespace (\w+) \{/m)
  for (let k = 1; k < namespaces.length; k += 2) {
    const ns = namespaces[k]!
    for (const m of namespaces[k + 1]!.matchAll(/^\texport interface (\w+) \{ *\n([\s\S]*?)^\t\}/gm)) {
      const fields = new Map<string, Field>()
      for (const f of m[2]!.matchAll(/^\t\t"([^"]+)"(\??): (.+);$/gm)) fields.set(f[1]!, { type: f[3]!, required: f[2] !== "?" })
      out.set(`${ns}.${m[1]}`, fields)
    }
  }
  return out
}

let models: ReadonlyMap<string, ReadonlyMap<string, Field>> | undefined
const sdk = () =>
  (models ??= parse(readFileSync(new URL("../../node_modules/purecloud-platform-client-v2/index.d.ts", import.meta.url), "utf8")))

/** The fields of an SDK interface (`Models.Recording`); fails when the SDK has none by that name. */
export const sdkFields = (name: string): ReadonlyMap<string, Field> => {
  const found = sdk().get(name)
  if (found === undefined) throw new Error(`the SDK declares no ${name}`)
  return found
}

const typeProblems = (type: string, value: unknown, at: string): Array<string> => {
  const t = type.trim()
  const array = /^Array<(.+)>$/.exec(t)
  if (array !== null) {
    if (!Array.isArray(value)) return [`${at}: expected an array (${t}), got ${JSON.stringify(value)}`]
    return value.flatMap((v, i) => typeProblems(array[1]!, v, `${at}[${i}]`))
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(t) ?? /^Record<string, (.+)>$/.exec(t)
  if (map !== null) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: expected an object (${t})`]
    return Object.entries(value).flatMap(([k, v]) => typeProblems(map[1]!, v, `${at}.${k}`))
  }
  if (t.startsWith("Models.")) return sdkProblems(t, value, at)
  const primitive = t === "object" ? "object" : t
  if (!["string", "number", "boolean", "object"].includes(primitive)) return [`${at}: the checker does not know the SDK type ${t}`]
  return typeof value === primitive && value !== null ? [] : [`${at}: expected ${t}, got ${JSON.stringify(value)}`]
}

/**
 * Where `value` departs from the SDK interface `name` (`Models.AnalyticsConversationQueryResponse`):
 * fields it does not declare, values of another type, required fields left out. Empty: it parses.
 */
export const sdkProblems = (name: string, value: unknown, at: string = name.replace(/^Models\./, "")): Array<string> => {
  const fields = sdkFields(name)
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: expected an object (${name})`]
  const problems: Array<string> = []
  for (const [key, v] of Object.entries(value)) {
    const field = fields.get(key)
    if (field === undefined) problems.push(`${at}.${key}: not a field of ${name}`)
    else if (v !== undefined) problems.push(...typeProblems(field.type, v, `${at}.${key}`))
  }
  for (const [key, field] of fields) {
    if (field.required && (value as Record<string, unknown>)[key] === undefined) problems.push(`${at}.${key}: required by ${name}, missing`)
  }
  return problems
}
