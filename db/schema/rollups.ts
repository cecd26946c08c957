import {
  bigint,
  boolean,
  index,
  integer,
  type PgColumnBuilderBase,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * Rollup tables. Every measure is additive (counts, sums, min, max, fixed-bucket histograms); averages and
 * percentiles are computed at read time, so rows from any node, instance or retry merge commutatively.
 *
 * Reader contract: always aggregate with SUM()/MIN()/MAX() ... GROUP BY. Never assume one row per key:
 * the ingest service appends partial aggregates (no unique key) to every codes_*_minutes and
 * entity_traffic_minutes table and to codes_consumer_route_hours.
 * Histogram arrays are stored without trailing zero buckets, so arrays differ in length: merge them with
 * `mergeHistograms` (lib/histogram.ts) or the SQL aggregate `gw_hist_sum(bigint[])` from the migration.
 *
 * Where hours come from (server/services/rollups/maintenance.ts, foldHour): health_hours is written at ingest. Every
 * other *_hours table is folded from its *_minutes table once the hour has closed (about 2 minutes after it
 * ends); `rollup_hour_folds` lists the folded hours. For an hour not listed there, read the minutes table
 * (its rows are complete; the hour table may hold only late events for it).
 *
 * Storage: every rollup table is range-partitioned by `bucket_ts` (seconds and minutes hourly, hours daily).
 * Partitions are created and expired from app code (server/services/rollups/maintenance.ts), there is no
 * default partition, and ingest skips rows outside a table's retention window (reported as `skipped`).
 *
 * Keys: `bucket_ts` (partition key) leads every primary key, and each key contains the table's Citus
 * distribution column (scale-notes §2, `db/distribution.ts`). No NULLs in keys: ZERO_UUID stands for "none".
 */
export const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

/**
 * Minute code and entity tables are append-only: each batch appends its partial aggregates (no unique key,
 * no ON CONFLICT), and the hour's fold compacts them to one row per key once the hour is closed
 * (maintenance.ts foldHour). Hour tables keep a primary key (the fold and late events upsert into them),
 * except codes_consumer_route_hours. Why, with numbers: server/services/rollups/write-rollups.ts.
 */
type Grain = "minutes" | "hours";

const bucketTs = () => timestamp("bucket_ts", { withTimezone: true }).notNull();
const count = (name: string) => bigint(name, { mode: "number" }).notNull().default(0);
const hist = (name: string) => bigint(name, { mode: "number" }).array();

/**
 * Per (bucket, node) health, the Vitals stats row plus histograms, bytes, status classes and gauges.
 * `nodeIndex`: (node_id, bucket_ts) for the node tables read per node (node pages, chart overlays, Vitals per
 * node): one node's hour of seconds was a scan of all nodes' 72k rows, 23 ms, against 13 ms through the index
 * (bench/queries.ts); ingest adds one index entry per node and bucket.
 */
function healthTable(name: string, nodeIndex = false) {
  return pgTable(
    name,
    {
      bucketTs: bucketTs(),
      nodeId: uuid("node_id").notNull(),
      requests: count("requests"),
      cacheHits: count("cache_hits"),
      cacheMisses: count("cache_misses"),
      /** Stats samples received in the bucket: > 0 with 0 requests means idle (latency null), no row means silent. */
      samples: count("samples"),
      // proxy latency = Kong's own time (`latencies.kong`); upstream = `latencies.proxy` (DESIGN §3).
      platMin: integer("plat_min"),
      platMax: integer("plat_max"),
      platSum: count("plat_sum"),
      platCount: count("plat_count"),
      platHist: hist("plat_hist"),
      ulatMin: integer("ulat_min"),
      ulatMax: integer("ulat_max"),
      ulatSum: count("ulat_sum"),
      ulatCount: count("ulat_count"),
      ulatHist: hist("ulat_hist"),
      /**
       * The row's p50/p95/p99 of proxy then upstream latency in hundredths of a ms (an element is NULL when
       * there is no sample), as `quantile` computes them from the histograms. NULL until maintenance fills it
       * for a closed bucket (maintenance.ts fillQuantiles); every upsert resets it. A series of one row per
       * bucket then reads 6 numbers instead of two histograms (bench/queries.ts).
       */
      quantiles: integer("quantiles").array(),
      rlatSum: count("rlat_sum"),
      rlatCount: count("rlat_count"),
      bytesIn: count("bytes_in"),
      bytesOut: count("bytes_out"),
      status1xx: count("status_1xx"),
      status2xx: count("status_2xx"),
      status3xx: count("status_3xx"),
      status4xx: count("status_4xx"),
      status5xx: count("status_5xx"),
      statusOther: count("status_other"),
      // Latest node stats sample in the bucket (last-writer-wins by `gauges_at`, which commutes).
      gaugesAt: timestamp("gauges_at", { withTimezone: true }),
      connActive: bigint("conn_active", { mode: "number" }),
      connReading: bigint("conn_reading", { mode: "number" }),
      connWriting: bigint("conn_writing", { mode: "number" }),
      connWaiting: bigint("conn_waiting", { mode: "number" }),
      connAccepted: bigint("conn_accepted", { mode: "number" }),
      connHandled: bigint("conn_handled", { mode: "number" }),
      connTotal: bigint("conn_total", { mode: "number" }),
      datastoreReachable: smallint("datastore_reachable"),
    },
    (t) => [
      primaryKey({ columns: [t.bucketTs, t.nodeId] }),
      ...(nodeIndex ? [index(`${name}_node_idx`).on(t.nodeId, t.bucketTs)] : []),
    ],
  );
}

export const healthSeconds = healthTable("health_seconds", true);
export const healthMinutes = healthTable("health_minutes", true);
export const healthHours = healthTable("health_hours");

/**
 * The cluster's health per second and per minute, written in the same transaction as the node rows (a batch
 * comes from one node, so its node rows are exactly the cluster's delta). node_id holds one of 8 shard
 * sentinels (`clusterShard` in ingest-batch.ts) so concurrent ingesters rarely share a row; readers sum ≤ 8
 * rows per bucket instead of merging every node's histograms (bench:queries: the 1 h cluster chart took
 * 0.7–0.9 s merging 72k node rows). Maintenance rewrites a closed bucket's rows as one row with node_id
 * CLUSTER_COMPACTED_ID (maintenance.ts compactClusterHealth); a late batch adds a shard row next to it.
 */
export const healthClusterSeconds = healthTable("health_cluster_seconds");
export const healthClusterMinutes = healthTable("health_cluster_minutes");

/** Exact status codes per node (Vitals never had this). Distributed by node_id. */
function codesNodeTable(name: string, grain: Grain) {
  return pgTable(
    name,
    {
      bucketTs: bucketTs(),
      nodeId: uuid("node_id").notNull(),
      statusCode: smallint("status_code").notNull(),
      count: count("count"),
    },
    (t) => (grain === "hours" ? [primaryKey({ columns: [t.bucketTs, t.nodeId, t.statusCode] })] : []),
  );
}
export const codesNodeMinutes = codesNodeTable("codes_node_minutes", "minutes");
export const codesNodeHours = codesNodeTable("codes_node_hours", "hours");
/**
 * Exact status codes of the whole cluster (dashboard.statusCodes for the cluster, the status-codes CSV): one
 * row per (bucket, code) once compacted, instead of every node's rows (a 24 h series summed 114k
 * codes_node_minutes rows with 20 nodes, bench/queries.ts). Written in the same transaction as codes_node (a
 * batch comes from one node, so its node rows are exactly the cluster's delta), append-only in minutes like
 * every code table, and folded and compacted with them. No node or entity column: local on Citus
 * (scale-notes §2, "codes per class, cluster").
 */
function codesClusterTable(name: string, grain: Grain) {
  return pgTable(
    name,
    {
      bucketTs: bucketTs(),
      statusCode: smallint("status_code").notNull(),
      count: count("count"),
    },
    (t) => (grain === "hours" ? [primaryKey({ columns: [t.bucketTs, t.statusCode] })] : []),
  );
}
export const codesClusterMinutes = codesClusterTable("codes_cluster_minutes", "minutes");
export const codesClusterHours = codesClusterTable("codes_cluster_hours", "hours");

/** Requests that matched no service and no legacy API (Kong/kong#7677), per node. */
export const codesUnmatchedMinutes = codesNodeTable("codes_unmatched_minutes", "minutes");
export const codesUnmatchedHours = codesNodeTable("codes_unmatched_hours", "hours");

/** Codes per (route, service); route_id = ZERO_UUID when the service matched without a route. */
function codesRouteTable(name: string, grain: Grain) {
  return pgTable(
    name,
    {
      bucketTs: bucketTs(),
      routeId: uuid("route_id").notNull(),
      serviceId: uuid("service_id").notNull(),
      statusCode: smallint("status_code").notNull(),
      count: count("count"),
    },
    (t) =>
      grain === "hours" ? [primaryKey({ columns: [t.bucketTs, t.routeId, t.serviceId, t.statusCode] })] : [],
  );
}
export const codesRouteMinutes = codesRouteTable("codes_route_minutes", "minutes");
export const codesRouteHours = codesRouteTable("codes_route_hours", "hours");

/** Codes per legacy API (Kong ≤ 0.14 traffic has an API and no service). */
function codesApiTable(name: string, grain: Grain) {
  return pgTable(
    name,
    {
      bucketTs: bucketTs(),
      apiId: uuid("api_id").notNull(),
      statusCode: smallint("status_code").notNull(),
      count: count("count"),
    },
    (t) => (grain === "hours" ? [primaryKey({ columns: [t.bucketTs, t.apiId, t.statusCode] })] : []),
  );
}
export const codesApiMinutes = codesApiTable("codes_api_minutes", "minutes");
export const codesApiHours = codesApiTable("codes_api_hours", "hours");

/**
 * Codes per (consumer, route, service): the high-cardinality table (ingest-limits: 94 % of write time).
 * Anonymous traffic is not stored here (its per-route counts are in codes_route_*), so consumer_id is never
 * the zero sentinel and no shard is hot. Distributed by consumer_id.
 *
 * Append-only partial aggregates, no primary key: each batch appends one row per key it saw (plain
 * INSERT … SELECT unnest, no ON CONFLICT, no unique index to maintain); readers SUM(count) GROUP BY. Rows
 * barely merge within a minute (1.3–2.4 events per row, ingest-limits), so an upsert buys little storage and
 * costs most of the write time. Hourly partitions bound every scan. Numbers: server/services/rollups/write-rollups.ts.
 */
function codesConsumerRouteTable(name: string) {
  return pgTable(name, {
    bucketTs: bucketTs(),
    consumerId: uuid("consumer_id").notNull(),
    routeId: uuid("route_id").notNull(),
    serviceId: uuid("service_id").notNull(),
    statusCode: smallint("status_code").notNull(),
    count: count("count"),
  });
}
export const codesConsumerRouteMinutes = codesConsumerRouteTable("codes_consumer_route_minutes");
export const codesConsumerRouteHours = codesConsumerRouteTable("codes_consumer_route_hours");

/**
 * Per-entity traffic for list tables and detail pages: requests, errors, latency sums and a coarse
 * request-latency histogram (lib/histogram.ts ENTITY_BOUNDS). kind: 'service' | 'route' | 'consumer' | 'api'.
 */
const entityTrafficColumns = () => ({
  bucketTs: bucketTs(),
  entityId: uuid("entity_id").notNull(),
  kind: text("kind").notNull(),
  requests: count("requests"),
  status4xx: count("status_4xx"),
  status5xx: count("status_5xx"),
  platSum: count("plat_sum"),
  platCount: count("plat_count"),
  ulatSum: count("ulat_sum"),
  ulatCount: count("ulat_count"),
  rlatSum: count("rlat_sum"),
  rlatCount: count("rlat_count"),
  rlatHist: hist("rlat_hist"),
  bytesIn: count("bytes_in"),
  bytesOut: count("bytes_out"),
});

/** Entity traffic summed per key (hours, tens): upserted by maintenance and late events. */
function entityTrafficTable<E extends Record<string, PgColumnBuilderBase>>(name: string, extra: E) {
  return pgTable(name, { ...entityTrafficColumns(), ...extra }, (t) => [
    primaryKey({ columns: [t.bucketTs, t.entityId, t.kind] }),
  ]);
}

/**
 * `compacted`: the row was written by maintenance's compaction (one row per key and minute) and is counted
 * in `entity_traffic_tens`; ingest's partial rows are not (false). So a whole ten minutes reads as its tens
 * rows plus its minute rows not compacted yet (maintenance.ts compactMinuteRows, read/entities.ts).
 */
export const entityTrafficMinutes = pgTable("entity_traffic_minutes", {
  ...entityTrafficColumns(),
  compacted: boolean("compacted").notNull().default(false),
});
export const entityTrafficHours = entityTrafficTable("entity_traffic_hours", {});
/**
 * Ten-minute sums of the compacted entity minutes, upserted by the compaction that writes those (same
 * statement), so a range's edges read up to 6× fewer rows. `last_ts`: the last of those minutes with
 * requests, so "last traffic" keeps the minute it had.
 */
export const entityTrafficTens = entityTrafficTable("entity_traffic_tens", {
  lastTs: timestamp("last_ts", { withTimezone: true }),
});

/** Accepted batch ids: a repeated batch_id is acknowledged and not counted again. Distributed by batch_id. */
export const ingestBatches = pgTable(
  "ingest_batches",
  {
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    batchId: text("batch_id").notNull(),
    events: integer("events").notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId] }), index("ingest_batches_received_idx").on(t.receivedAt)],
);

/**
 * Hours already folded from the minute tables into the *_hours code and entity tables. Ingest takes a shared
 * advisory lock per hour it writes to minute tables and routes events of folded hours straight to the hour
 * tables; the fold takes the exclusive lock, so every event is counted in an hour table exactly once.
 */
export const rollupHourFolds = pgTable("rollup_hour_folds", {
  hour: timestamp("hour", { withTimezone: true }).primaryKey(),
  foldedAt: timestamp("folded_at", { withTimezone: true }).notNull(),
});
