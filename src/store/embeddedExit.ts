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
 * opened the store) the process leaves as it would have.
 */
let loaded = false

/** Called once the embedded engine's library is loaded (src/store/ClickHouse.ts). */
export const markEmbeddedEngineLoaded = (): void => {
  loaded = true
}

/**
 * With the embedded engine loaded, ends the process now with `code`, running none of its exit
 * handlers; otherwise (or where `execve` is missing) returns, and the caller exits as usual.
 */
export const exitPastEmbeddedEngine = (code: number): void => {
  if (loaded && typeof process.execve === "function") {
    process.execve(process.execPath, [process.execPath, "-e", `process.exit(${code})`])
  }
}
