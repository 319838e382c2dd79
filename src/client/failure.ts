/** Failures as a user reads them: one line, no stack (the CLI and the dashboard). */

/** `SchemaError(Expected … \n  at ["KEY"])` → `KEY: Expected …` */
const configProblem = (raw: string): string => {
  const lines = raw.replace(/^SchemaError\(/, "").replace(/\)$/, "").split("\n")
  const out: Array<string> = []
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i + 1]?.match(/^\s*at \["([^"]+)"\]/)
    if (at) {
      out.push(`${at[1]}: ${lines[i]!.trim()}`)
      i++
    } else if (lines[i]!.trim() !== "") out.push(lines[i]!.trim())
  }
  return out.join("; ")
}

/**
 * One line for a failure a user can act on (no stack). `undefined` when the CLI framework has
 * already explained it (bad flags print the help).
 */
export const describeFailure = (e: unknown): string => {
  if (e === null || typeof e !== "object") return String(e)
  const tag = "_tag" in e ? String(e._tag) : ""
  const message = "message" in e && typeof e.message === "string" ? e.message : ""
  if (tag === "ApiError" && "code" in e) return `${message} (error ${String(e.code)})`
  if (tag === "ConfigError") return `invalid configuration: ${configProblem(message || String(e))}`
  return message || String(e)
}
