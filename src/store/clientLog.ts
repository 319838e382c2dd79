/**
 * What `@clickhouse/client` itself logs, as one JSON line per event in the shape of the daemon's
 * own logs (Effect's `Logger.consoleJson`: message, level, timestamp, annotations), instead of its
 * default: multi-line text on stderr, which breaks a JSON log pipeline.
 *
 * A request the caller aborted is not logged: the store aborts a call when the Effect running it is
 * interrupted — a job cancelled or stopped at its next page, a daemon shutting down — and the client
 * logged each as an ERROR ("The user aborted a request."), on every cancel. What else fails reaches
 * the store's caller as a StoreError too, logged in its context; the client's line adds the
 * query id (ClickHouse's `system.query_log`). Of the client's arguments only the operation and the
 * ids are written (not its settings or session).
 */
import type { ErrorLogParams, Logger, LogParams, WarnLogParams } from "@clickhouse/client"

/**
 * A call its caller aborted: the client's error over HTTP (`socket_pool.js`), the embedded
 * engine's (chdb's connection), or a plain AbortError.
 */
export const isAbortedRequest = (e: unknown): boolean =>
  e instanceof Error && (e.name === "AbortError" || e.message === "The user aborted a request." || e.message.startsWith("Query aborted"))

const KEPT_ARGS = ["operation", "query_id", "connection_id"] as const

const line = (level: "WARN" | "ERROR", { module, message, args }: LogParams, err: Error | undefined): string => {
  const annotations: Record<string, unknown> = { module }
  for (const k of KEPT_ARGS) if (args?.[k] !== undefined) annotations[k] = args[k]
  if (err !== undefined) annotations["error"] = err.message
  return JSON.stringify({ message: `ClickHouse client: ${message}`, level, timestamp: new Date().toISOString(), annotations })
}

/** The store's logger for `@clickhouse/client` (its `log.LoggerClass`; the client logs warnings and errors only). */
export class ClientLog implements Logger {
  trace(): void {}
  debug(): void {}
  info(): void {}
  warn(p: WarnLogParams): void {
    console.log(line("WARN", p, p.err))
  }
  error(p: ErrorLogParams): void {
    if (isAbortedRequest(p.err)) return
    console.log(line("ERROR", p, p.err))
  }
}
