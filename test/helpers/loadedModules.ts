/**
 * Loaded with `--import` into a process under test: records every module URL the process
 * resolves, and writes them, one a line, to the file named by REWIND_TEST_MODULES_OUT when it
 * exits.
 */
import { writeFileSync } from "node:fs"
import { registerHooks } from "node:module"

const out = process.env["REWIND_TEST_MODULES_OUT"]
const urls = new Set<string>()
registerHooks({
  resolve: (specifier, context, next) => {
    const r = next(specifier, context)
    urls.add(r.url)
    return r
  }
})
process.on("exit", () => {
  if (out !== undefined) writeFileSync(out, [...urls].join("\n"))
})
