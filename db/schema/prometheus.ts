import { bigint, doublePrecision, index, pgTable, smallint, text, uuid } from "drizzle-orm/pg-core";

/**
 * Cumulative Prometheus counters (DESIGN §6, issue #5). One row per (plugin instance, node, label set) at the
 * finest grain either exposition format needs; the legacy and Kong 3.x families are both projections of it at
 * scrape time. Rows are only ever incremented (additive upserts in the ingest batch transaction), so counters
 * never go backwards and any number of Gatewatch instances writing and reading the same database agree.
 *
 * `series_id` = md5 of the full key (plugin, node, kind, labels), formatted as a uuid: the primary key and the
 * Citus distribution column (scale-notes §2: "own group", even spread; /metrics is a full scan anyway). It is
 * computed by the app, never by a default (R4). No time partitioning: the counters are cumulative.
 *
 * `kind` says which entity the traffic matched: 'service', 'api' (legacy API entity, labelled by the API name)
 * or 'route' (a route without a service: Kong 3.6+ labels it service="", legacy records nothing).
 * Label columns hold raw (unescaped) values; each format escapes its own way.
 */
export const prometheusRequests = pgTable(
  "prometheus_requests",
  {
    seriesId: uuid("series_id").primaryKey(),
    pluginId: uuid("plugin_id").notNull(),
    nodeId: uuid("node_id").notNull(),
    kind: text("kind").notNull(),
    service: text("service").notNull(),
    route: text("route").notNull(),
    workspace: text("workspace").notNull(),
    /** Consumer username, recorded only while the covering instance has `per_consumer` (else ""), as Kong does. */
    consumer: text("consumer").notNull(),
    code: smallint("code").notNull(),
    /** 'service' when the upstream answered, 'kong' when Kong answered itself (Kong 3.x `source` label). */
    source: text("source").notNull(),
    requests: bigint("requests", { mode: "number" }).notNull().default(0),
    bytesIn: bigint("bytes_in", { mode: "number" }).notNull().default(0),
    bytesOut: bigint("bytes_out", { mode: "number" }).notNull().default(0),
  },
  (t) => [index("prometheus_requests_plugin_idx").on(t.pluginId, t.nodeId)],
);

/**
 * Latency histograms per (plugin instance, node, service, route, workspace), one per latency type. Histograms
 * are non-cumulative counts over PROMETHEUS_UNION_BOUNDS (server/services/exporters/prometheus/families.ts,
 * the union of Kong's legacy and 3.x boundaries) plus an overflow bucket, so both formats' buckets are exact.
 * Merged with gw_hist_add (0001_rollups). Sums are double precision: exact for integer milliseconds.
 */
export const prometheusLatency = pgTable(
  "prometheus_latency",
  {
    seriesId: uuid("series_id").primaryKey(),
    pluginId: uuid("plugin_id").notNull(),
    nodeId: uuid("node_id").notNull(),
    kind: text("kind").notNull(),
    service: text("service").notNull(),
    route: text("route").notNull(),
    workspace: text("workspace").notNull(),
    kongHist: bigint("kong_hist", { mode: "number" }).array(),
    kongSum: doublePrecision("kong_sum").notNull().default(0),
    kongCount: bigint("kong_count", { mode: "number" }).notNull().default(0),
    upstreamHist: bigint("upstream_hist", { mode: "number" }).array(),
    upstreamSum: doublePrecision("upstream_sum").notNull().default(0),
    upstreamCount: bigint("upstream_count", { mode: "number" }).notNull().default(0),
    requestHist: bigint("request_hist", { mode: "number" }).array(),
    requestSum: doublePrecision("request_sum").notNull().default(0),
    requestCount: bigint("request_count", { mode: "number" }).notNull().default(0),
  },
  (t) => [index("prometheus_latency_plugin_idx").on(t.pluginId, t.nodeId)],
);

export type PrometheusRequestRow = typeof prometheusRequests.$inferSelect;
export type PrometheusLatencyRow = typeof prometheusLatency.$inferSelect;
