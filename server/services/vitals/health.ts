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

/** A cell as JSON: null for null and for a non-finite number, which JSON.stringify would also write as null. */
const cellJson = (v: Cell) => (v === null || !Number.isFinite(v) ? "null" : String(v));

/**
 * `{"<key>":{"<ts>":[cells…],…},…}` for groups already in (key, ts) order: the text JSON.stringify would write
 * for the same objects, built without them. (Object-building and stringifying /vitals/nodes' 72k seconds
 * took ~150 ms; bench:queries.)
 */
function seriesJson(byKey: Map<string, VitalsGroup[]>, cells: (g: VitalsGroup) => Cell[]): string {
  const parts: string[] = [];
  for (const [key, groups] of byKey) {
    const entries = groups.map((g) => `"${g.ts}":[${cells(g).map(cellJson).join(",")}]`);
    parts.push(`${JSON.stringify(key)}:{${entries.join(",")}}`);
  }
  return `{${parts.join(",")}}`;
}

type VitalsGroup = VitalsMeasures & { ts: number; nodeId?: string | null };

/**
 * `GET /vitals/cluster`, `/vitals/nodes`, `/vitals/nodes/{id}` as the JSON text of a VitalsHealthBody: only
 * buckets with a row appear (no gap filling: a silent node has no key), as in Kong; nodes in the order their
 * first row came, each node's buckets in ascending time. The cluster is read from the cluster rollups.
 */
export async function vitalsHealthJson(
  db: Db,
  params: { level: "cluster" | "nodes" | "node"; nodeId?: string; query: VitalsQuery },
): Promise<string> {
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
  const groups: VitalsGroup[] =
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
        ].map((g) => ({ ...g, ts: g.ts ?? 0 }));
  const emptyMeta = { level: levelName, interval: query.interval, interval_width: step } as const;
  if (groups.length === 0) return JSON.stringify({ meta: emptyMeta, stats: {} });
  const byKey = new Map<string, VitalsGroup[]>();
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (const g of groups) {
    const key = g.nodeId ?? "cluster";
    const series = byKey.get(key);
    if (series) series.push(g);
    else byKey.set(key, [g]);
    if (g.ts < earliest) earliest = g.ts;
    if (g.ts > latest) latest = g.ts;
  }
  // Rows arrive nearly in time order (the heap is written that way), where this sort is a linear pass.
  for (const series of byKey.values()) series.sort((a, b) => a.ts - b.ts);
  const meta: Extract<VitalsHealthBody, { percentiles?: VitalsSeries }>["meta"] = {
    ...emptyMeta,
    earliest_ts: earliest,
    latest_ts: latest,
    stat_labels: HEALTH_STAT_LABELS,
  };
  if (params.level !== "cluster") {
    const hostnames = await getHostnames(db, [...byKey.keys()]);
    meta.nodes = Object.fromEntries(
      [...byKey.keys()].map((id) => [id, { hostname: hostnames.get(id) ?? id }]),
    );
  }
  if (!query.percentiles) return `{"meta":${JSON.stringify(meta)},"stats":${seriesJson(byKey, nine)}}`;
  const withLabels = { ...meta, percentile_labels: PERCENTILE_LABELS };
  return `{"meta":${JSON.stringify(withLabels)},"stats":${seriesJson(byKey, nine)},"percentiles":${seriesJson(byKey, quantilesOf)}}`;
}
