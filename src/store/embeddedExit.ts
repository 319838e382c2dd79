/**
 * Leaving a process that loaded the embedded ClickHouse engine (chdb).
 *
 * libchdb's exit-time destructors can deadlock with its own background threads: under load a
 * daemon stopped by SIGTERM closed everything, logged "rewind daemon stopped", then hung in
 * `exit()` (a stack taken with gdb: `__run_exit_handlers` → libchdb → a mutex its background
 * schedule pool holds), never exiting. By the time the process leaves, every store
 * connection is closed and every write acknowledged, so nothing needs those destructors: the
 * process replaces itself (`execve`) with a Node that exits with the same code, which runs no
 * exit handlers of this one. Without chdb loaded (a ClickHouse server, or a command that never
 * opened the store) it is a plain `process.exit`.
 */
let loaded = false

/** Called once the embedded engine's library is loaded (src/store/ClickHouse.ts). */
export const markEmbeddedEngineLoaded = (): void => {
  loaded = true
}

/** Ends the process with `code`, without libchdb's exit handlers when it is loaded. */
export const exitProcess = (code: number): never => {
  if (loaded && typeof process.execve === "function") {
    process.execve(process.execPath, [process.execPath, "-e", `process.exit(${code})`])
  }
  return process.exit(code)
}

/** True once the embedded engine is loaded: leave through `exitProcess`. */
export const embeddedEngineLoaded = (): boolean => loaded
