/**
 * How the migrations write their DDL: for one server (the embedded engine, or a server), or for a
 * ClickHouse cluster (`REWIND_CLICKHOUSE_CLUSTER`): every CREATE and ALTER `ON CLUSTER`, every
 * table a Replicated engine. Pure text: without a cluster it is the released DDL byte for byte
 * (test/unit/store/ddl.test.ts pins it).
 *
 * The supported cluster is one shard and its replicas (README, "A ClickHouse cluster"): every node
 * holds every row, so there are no Distributed tables and every read and write goes to the
 * node's own tables, as on one server.
 */
import { ClusterNamePattern } from "./ClickHouseConfig.ts"

/**
 * Where a replicated table keeps its state in Keeper, and its replica's name. `{shard}` and
 * `{replica}` are macros every node must define (`<macros>` of its configuration); `{database}`
 * and `{table}` ClickHouse fills in itself, at CREATE. A path by name rather than the server's
 * `default_replica_path` (`{uuid}`): a node that lacks a table and creates it again later with
 * the same statement joins the existing replicas instead of starting a table of its own.
 */
export const ReplicaPath = "/clickhouse/tables/{shard}/{database}/{table}"
export const ReplicaName = "{replica}"

/**
 * How long a Replicated table keeps the hashes of its inserts (at most `insertDedupWindow`'s
 * count): 7 days. ClickHouse 26 keeps them 1 hour by default, which would forget a batch whose
 * replay comes later (a job resumed after a long NATS outage, `rewind job retry` the next day);
 * on one server the window is a count only.
 */
export const ReplicatedDedupWindowSeconds = 7 * 24 * 3600

export interface Ddl {
  /** The cluster's name; undefined on one server. */
  readonly cluster: string | undefined
  /** Put after the name of what a CREATE or ALTER creates or alters: `` ON CLUSTER `name` ``, or nothing. */
  readonly onCluster: string
  /**
   * A ReplacingMergeTree; `version` its version column (none: of equal keys, the last inserted row
   * wins). One difference the Replicated form brings: it drops an insert identical to a recent one
   * (ClickHouse's default window, 10,000 inserts or 1 hour on ClickHouse 26) where one server
   * keeps both. Rewind's rows carry the time they were written or a version, so an identical
   * insert is a replay, except in transcript_blocks, where it is the same content again.
   */
  readonly replacingMergeTree: (version?: string) => string
  /**
   * The MODIFY SETTING list that keeps the hashes of the last `blocks` inserts, so an insert
   * repeated with the same `insert_deduplication_token` is dropped: `non_replicated_…` on one
   * server, `replicated_…` on a cluster (the other one does nothing on that engine).
   */
  readonly insertDedupWindow: (blocks: number) => string
}

/** The DDL for one server (no `cluster`) or for `cluster`; throws on a cluster name that is not one. */
export const ddlFor = (cluster?: string): Ddl => {
  if (cluster === undefined) {
    return {
      cluster,
      onCluster: "",
      replacingMergeTree: (version) => (version === undefined ? "ReplacingMergeTree" : `ReplacingMergeTree(${version})`),
      insertDedupWindow: (blocks) => `non_replicated_deduplication_window = ${blocks}`
    }
  }
  if (!ClusterNamePattern.test(cluster)) throw new Error(`invalid ClickHouse cluster name ${JSON.stringify(cluster)}`)
  const replica = `'${ReplicaPath}', '${ReplicaName}'`
  return {
    cluster,
    onCluster: ` ON CLUSTER \`${cluster}\``,
    replacingMergeTree: (version) =>
      version === undefined ? `ReplicatedReplacingMergeTree(${replica})` : `ReplicatedReplacingMergeTree(${replica}, ${version})`,
    insertDedupWindow: (blocks) =>
      `replicated_deduplication_window = ${blocks}, replicated_deduplication_window_seconds = ${ReplicatedDedupWindowSeconds}`
  }
}
