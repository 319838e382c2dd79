/**
 * Failed calls of the store's ClickHouse client, by operation: `read` (query), `insert`, and
 * `command` (DDL, mutations, exec). The store wraps its client with one (`ClickHouse.errors`);
 * the daemon shows it as `rewind_clickhouse_errors_total{operation}`.
 */
export const StoreOperations = ["read", "insert", "command"] as const
export type StoreOperation = (typeof StoreOperations)[number]

export interface ErrorCounts {
  /**
   * `operation`, counted when it rejects — unless its caller aborted it (`signal`: a job cancelled,
   * a daemon stopping; ClickHouse did not fail); passed through unchanged.
   */
  track<A>(kind: StoreOperation, operation: Promise<A>, signal?: AbortSignal): Promise<A>
  /** Failures so far, by operation. */
  counts(): Readonly<Record<StoreOperation, number>>
}

export const makeErrorCounts = (): ErrorCounts => {
  const failed: Record<StoreOperation, number> = { read: 0, insert: 0, command: 0 }
  return {
    track: (kind, operation, signal) =>
      operation.catch((e: unknown) => {
        if (signal?.aborted !== true) failed[kind]++
        throw e
      }),
    counts: () => ({ ...failed })
  }
}
