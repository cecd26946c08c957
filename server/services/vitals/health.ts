import type { Db } from "@/db/client";
import { isUuid } from "@/lib/uuid";
import { NotFoundError } from "@/server/errors";
import {
  aggregateHealth,
  getHostnames,
  quantilesOf,
  readNodeVitals,
  type VitalsMeasures,
} from "../rollups/read/health";
import { average } from "../rollups/read/health-rows";
import { invalidParam, VITALS_LEVEL, VITALS_WIDTH, type VitalsQuery } from "./params";

/** The nine health values, in the order every Vitals backend uses (kong-vitals §0.1: averages last). */
export const HEALTH_STAT_LABELS = [
  "cache_datastore_hits_total",
  "cache_datastore_misses_total",
  "latency_proxy_request_min_ms",
  "latency_proxy_request_max_ms",
  "latency_upstream_min_ms",
  "latency_upstream_max_ms",
  "requests_proxy_total",
  "latency_proxy_request_avg_ms",
  "latency_upstream_avg_ms",
] as const;

/**
 * Gatewatch extension, opt-in with `?percentiles=true`: `meta.percentile_labels` and a `percentiles` object
 * parallel to `stats` (same keys and timestamps) holding these six values from the merged latency
 * histograms. Kong's nine values and `stat_labels` stay untouched, so Kong clients see no difference.
 */
export const PERCENTILE_LABELS = [
  "latency_proxy_request_p50_ms",
  "latency_proxy_request_p95_ms",
  "latency_proxy_request_p99_ms",
  "latency_upstream_p50_ms",
  "latency_upstream_p95_ms",
  "latency_upstream_p99_ms",
] as const;

type Cell = number | null;
export type VitalsSeries = Record<string, Record<string, Cell[]>>;

export type VitalsHealthBody =
  | {
      meta: { level: "cluster" | "node"; interval: string; interval_width: number };
      stats: Record<string, never>;
    }
  | {
      meta: {
        level: "cluster" | "node";
        interval: string;
        interval_width: number;
        earliest_ts: number;
        latest_ts: number;
        stat_labels: readonly string[];
        nodes?: Record<string, { hostname: string }>;
        percentile_labels?: readonly string[];
      };
      stats: VitalsSeries;
      percentiles?: VitalsSeries;
    };

/** Average rounded to whole ms; min/max/avg null when no request had that latency (kong-vitals §1.6). */
function nine(a: VitalsMeasures): Cell[] {
  const p = a.platCount > 0;
  const u = a.ulatCount > 0;
  return [
    a.cacheHits,
    a.cacheMisses,
    p ? a.platMin : null,
    p ? a.platMax : null,
    u ? a.ulatMin : null,
    u ? a.ulatMax : null,
    a.requests,
    average(a.platSum, a.platCount),
    average(a.ulatSum, a.ulatCount),
  ];
}

/**
 * `GET /vitals/cluster`, `/vitals/nodes`, `/vitals/nodes/{id}`: only buckets with a row appear (no gap
 * filling: a silent node has no key), as in Kong. The cluster is read from the cluster rollups.
 */
export async function getVitalsHealth(
  db: Db,
  params: { level: "cluster" | "nodes" | "node"; nodeId?: string; query: VitalsQuery },
): Promise<VitalsHealthBody> {
  const { query } = params;
  const levelName = params.level === "cluster" ? "cluster" : "node";
  if (params.level === "node") {
    if (!params.nodeId || !isUuid(params.nodeId)) throw invalidParam("node_id must be a UUID");
    const known = await getHostnames(db, [params.nodeId]);
    if (!known.has(params.nodeId)) throw new NotFoundError();
  }
  const step = VITALS_WIDTH[query.interval];
  const segments = [{ level: VITALS_LEVEL[query.interval], from: query.from, to: query.to }];
  // Per node, every cell but a day's (24 hour rows) is one stored row: read rows, not groups.
  const groups =
    params.level !== "cluster" && query.interval !== "days"
      ? await readNodeVitals(db, { segments, nodeId: params.nodeId, histograms: query.percentiles })
      : [
          ...(
            await aggregateHealth(db, {
              segments,
              step,
              byNode: params.level !== "cluster",
              nodeId: params.nodeId,
              histograms: query.percentiles,
            })
          ).values(),
        ];
  const emptyMeta = { level: levelName, interval: query.interval, interval_width: step } as const;
  if (groups.length === 0) return { meta: emptyMeta, stats: {} };
  const stats: VitalsSeries = {};
  const percentiles: VitalsSeries = {};
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  // No sort: timestamps (< 2^32 − 1) are array-index property names, which every object and JSON.stringify
  // list in ascending order whatever the insertion order (sorting 72k groups cost /vitals/nodes ~20 ms).
  for (const g of groups) {
    const key = g.nodeId ?? "cluster";
    const ts = g.ts ?? 0;
    if (ts < earliest) earliest = ts;
    if (ts > latest) latest = ts;
    stats[key] ??= {};
    stats[key][ts] = nine(g);
    if (query.percentiles) {
      percentiles[key] ??= {};
      percentiles[key][ts] = quantilesOf(g);
    }
  }
  const meta: Extract<VitalsHealthBody, { percentiles?: VitalsSeries }>["meta"] = {
    ...emptyMeta,
    earliest_ts: earliest,
    latest_ts: latest,
    stat_labels: HEALTH_STAT_LABELS,
  };
  if (params.level !== "cluster") {
    const hostnames = await getHostnames(db, Object.keys(stats));
    meta.nodes = Object.fromEntries(
      Object.keys(stats).map((id) => [id, { hostname: hostnames.get(id) ?? id }]),
    );
  }
  if (!query.percentiles) return { meta, stats };
  return { meta: { ...meta, percentile_labels: PERCENTILE_LABELS }, stats, percentiles };
}
