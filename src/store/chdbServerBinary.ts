/**
 * What runs the local ClickHouse server (src/store/localServer.ts): libchdb, the engine of the
 * optional dependency `chdb` (ClickHouse's clickhouse-local as a shared library), loaded by
 * `chdb-server`, a small C program (src/store/chdbServer.c) that calls its command-line entry
 * point with the HTTP listener on and stops it on a signal or when its parent is gone.
 *
 * The launcher is compiled on first use with the machine's C compiler (`$CC`, else `cc`) into
 * node_modules/.cache/rewind/, named after a hash of its source: an edit rebuilds it, and
 * processes building it at the same time each write their own file and rename it into place.
 *
 * Why a C launcher and not an FFI package (koffi) calling libchdb from a Node child process:
 * no new dependency (the developers' and CI's machines have a C compiler; the daemon and a
 * production install need neither, they talk to a real server); the call blocks for the
 * server's whole life, which in Node would hold the thread that handles signals, where C stops
 * it with a signal handler that closes a pipe; the process is the engine alone, without a Node
 * runtime beside it; and it leaves with `_exit`, past libchdb's exit handlers that can deadlock
 * (src/store/embeddedExit.ts), without Node's execve detour.
 */
import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import { access, mkdir, readFile, rename, rm } from "node:fs/promises"
import { join } from "node:path"
import { promisify } from "node:util"

const source = join(import.meta.dirname, "chdbServer.c")
const cacheDir = join(import.meta.dirname, "../../node_modules/.cache/rewind")

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e))

/** The engine library of the installed `chdb` package. */
export const libchdbPath = async (): Promise<string> => {
  try {
    const lib = await import("chdb/libchdb")
    return lib.libchdbPath()
  } catch (cause) {
    throw new Error(
      `the local ClickHouse server runs the engine of the optional dependency chdb, which could not be found: ${messageOf(cause)}. ` +
        "Install it (npm install chdb).",
      { cause }
    )
  }
}

/** The compiled launcher, built now if this version of its source has not been built yet. */
export const chdbServerBinary = async (): Promise<string> => {
  const code = await readFile(source)
  const hash = createHash("sha256").update(code).update(`${process.platform}-${process.arch}`).digest("hex").slice(0, 16)
  const binary = join(cacheDir, `chdb-server-${hash}`)
  const built = await access(binary).then(() => true, () => false)
  if (built) return binary
  await mkdir(cacheDir, { recursive: true })
  const partial = `${binary}.${process.pid}.tmp`
  const cc = process.env["CC"] || "cc"
  try {
    await promisify(execFile)(cc, ["-O2", "-o", partial, source, "-ldl", "-lpthread"])
  } catch (cause) {
    await rm(partial, { force: true })
    throw new Error(
      `building the ClickHouse server launcher (src/store/chdbServer.c) with ${cc} failed: ${messageOf(cause)}. ` +
        "It needs a C compiler: apt-get install gcc, xcode-select --install, or set CC.",
      { cause }
    )
  }
  await rename(partial, binary)
  return binary
}
