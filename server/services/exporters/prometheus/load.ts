import { sql } from "drizzle-orm";
import { type Db, queryRows } from "@/db/client";
import type { PrometheusConfig } from "@/lib/plugins/prometheus";
import { NotFoundError } from "@/server/errors";
import { getPluginResolver } from "@/server/services/plugins/precedence";
import type { ExpositionInput, LatencyTotals, NodeGauges, RequestTotals } from "./build";

/**
 * A node counts as live for the cluster gauges and the scrape targets while it has a health row (stats sample
 * or traffic) in the last 5 minutes: long enough that Prometheus service discovery (60 s refresh) does not
 * flap when a node sends sparse batches, short enough that a dead node's target goes away.
 */
export const LIVE_WINDOW_S = 300;
/** Per-node view: the node's latest sample within the minute rollups' retention (25 h). */
const NODE_LOOKBACK_S = 25 * 3600;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const arr = (v: unknown): number[] | null => (Array.isArray(v) ? v.map(Number) : null);
const ts = (sec: number) => new Date(sec * 1000).toISOString();

export type LoadParams = { nodeId?: string; nowMs?: number };

/**
 * Summed counters per instance and label set. No ORDER BY: Kong's byte-wise order is produced by the renderer
 * in JS, which measured cheaper than sorting in SQL (and keeps the shared database's CPU for ingest).
 */
async function loadCounters(db: Db, ids: string[], nodeId: string | undefined) {
  const idList = sql.param(ids);
  const onNode = nodeId ? sql`AND node_id = ${nodeId}::uuid` : sql``;
  const [requests, latency] = await Promise.all([
    queryRows<Record<string, unknown>>(
      db,
      sql`SELECT plugin_id::text AS plugin_id, kind, service, route, workspace, consumer, code::int AS code, source,
            sum(requests)::float8 AS requests, sum(bytes_in)::float8 AS bytes_in, sum(bytes_out)::float8 AS bytes_out
          FROM prometheus_requests r
          WHERE plugin_id = ANY(${idList}::text[]::uuid[]) ${onNode}
          GROUP BY r.plugin_id, r.kind, r.service, r.route, r.workspace, r.consumer, r.code, r.source`,
    ),
    queryRows<Record<string, unknown>>(
      db,
      sql`SELECT plugin_id::text AS plugin_id, kind, service, route, workspace,
            gw_hist_sum(kong_hist)::float8[] AS kong_hist, sum(kong_sum)::float8 AS kong_sum,
            sum(kong_count)::float8 AS kong_count,
            gw_hist_sum(upstream_hist)::float8[] AS upstream_hist, sum(upstream_sum)::float8 AS upstream_sum,
            sum(upstream_count)::float8 AS upstream_count,
            gw_hist_sum(request_hist)::float8[] AS request_hist, sum(request_sum)::float8 AS request_sum,
            sum(request_count)::float8 AS request_count
          FROM prometheus_latency l
          WHERE plugin_id = ANY(${idList}::text[]::uuid[]) ${onNode}
          GROUP BY l.plugin_id, l.kind, l.service, l.route, l.workspace`,
    ),
  ]);
  return {
    requests: requests.map(
      (r): RequestTotals => ({
        pluginId: String(r.plugin_id),
        kind: String(r.kind),
        service: String(r.service),
        route: String(r.route),
        workspace: String(r.workspace),
        consumer: String(r.consumer),
        code: num(r.code),
        source: String(r.source),
        requests: num(r.requests),
        bytesIn: num(r.bytes_in),
        bytesOut: num(r.bytes_out),
      }),
    ),
    latency: latency.map(
      (l): LatencyTotals => ({
        pluginId: String(l.plugin_id),
        kind: String(l.kind),
        service: String(l.service),
        route: String(l.route),
        workspace: String(l.workspace),
        hist: [arr(l.kong_hist), arr(l.upstream_hist), arr(l.request_hist)],
        sum: [num(l.kong_sum), num(l.upstream_sum), num(l.request_sum)],
        count: [num(l.kong_count), num(l.upstream_count), num(l.request_count)],
      }),
    ),
  };
}

type GaugeRow = {
  node_id: string;
  hostname: string | null;
  version: string | null;
  gauges_at: unknown;
  conn_active: unknown;
  conn_reading: unknown;
  conn_writing: unknown;
  conn_waiting: unknown;
  conn_accepted: unknown;
  conn_handled: unknown;
  conn_total: unknown;
  datastore_reachable: unknown;
};

/**
 * Each node's latest stats sample (health_minutes keeps the newest sample of each minute, last writer wins by
 * gauges_at), for the nodes seen since `sinceSec`. Nodes seen without any stats sample come back with nulls.
 */
async function loadNodeGauges(db: Db, sinceSec: number, nowSec: number, nodeId?: string) {
  const onNode = nodeId ? sql`AND h.node_id = ${nodeId}::uuid` : sql``;
  const rows = await queryRows<GaugeRow>(
    db,
    sql`SELECT DISTINCT ON (h.node_id) h.node_id::text AS node_id, n.hostname, n.version, h.gauges_at,
          h.conn_active, h.conn_reading, h.conn_writing, h.conn_waiting, h.conn_accepted, h.conn_handled,
          h.conn_total, h.datastore_reachable
        FROM health_minutes h LEFT JOIN nodes n ON n.id = h.node_id
        WHERE h.bucket_ts >= ${ts(sinceSec - 60)}::timestamptz AND h.bucket_ts < ${ts(nowSec + 60)}::timestamptz
          ${onNode}
        ORDER BY h.node_id, h.gauges_at DESC NULLS LAST, h.bucket_ts DESC`,
  );
  return rows;
}

function toGauges(r: GaugeRow): NodeGauges {
  const hasConnections = r.gauges_at !== null && r.conn_total !== null && r.conn_total !== undefined;
  return {
    nodeId: r.node_id,
    version: r.version,
    datastoreReachable:
      r.gauges_at === null || r.datastore_reachable === null ? null : num(r.datastore_reachable) > 0,
    connections: hasConnections
      ? {
          accepted: num(r.conn_accepted),
          active: num(r.conn_active),
          handled: num(r.conn_handled),
          reading: num(r.conn_reading),
          total: num(r.conn_total),
          waiting: num(r.conn_waiting),
          writing: num(r.conn_writing),
        }
      : null,
  };
}

export type LiveNode = { id: string; hostname: string };

/** Nodes with a health row in the last LIVE_WINDOW_S seconds. */
export async function listLiveNodes(db: Db, nowMs = Date.now()): Promise<LiveNode[]> {
  const nowSec = Math.floor(nowMs / 1000);
  const rows = await loadNodeGauges(db, nowSec - LIVE_WINDOW_S, nowSec);
  return rows.map((r) => ({ id: r.node_id, hostname: r.hostname ?? r.node_id }));
}

async function assertNodeKnown(db: Db, nodeId: string): Promise<void> {
  const rows = await queryRows(
    db,
    sql`SELECT 1 FROM nodes WHERE id = ${nodeId}::uuid
        UNION ALL SELECT 1 FROM prometheus_requests WHERE node_id = ${nodeId}::uuid
        LIMIT 1`,
  );
  if (rows.length === 0) throw new NotFoundError(`node ${nodeId} not found`);
}

/**
 * Everything a scrape shows: enabled prometheus instances, their counters (summed over nodes, or one node's),
 * and node gauges (live nodes, or the one node).
 */
export async function loadExpositionInput(db: Db, params: LoadParams = {}): Promise<ExpositionInput> {
  const nowSec = Math.floor((params.nowMs ?? Date.now()) / 1000);
  if (params.nodeId) await assertNodeKnown(db, params.nodeId);
  const resolver = await getPluginResolver(db);
  const instances = resolver
    .enabled("prometheus")
    .map((p) => ({ id: p.id, config: (p.config ?? {}) as Partial<PrometheusConfig> }));
  const since = params.nodeId ? nowSec - NODE_LOOKBACK_S : nowSec - LIVE_WINDOW_S;
  const [counters, gaugeRows] = await Promise.all([
    instances.length > 0
      ? loadCounters(
          db,
          instances.map((i) => i.id),
          params.nodeId,
        )
      : { requests: [], latency: [] },
    loadNodeGauges(db, since, nowSec, params.nodeId),
  ]);
  return { instances, ...counters, nodes: gaugeRows.map(toGauges) };
}
