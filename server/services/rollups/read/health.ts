import { type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "@/db/client";
import { HEALTH_HISTOGRAM, quantile } from "@/lib/histogram";
import {
  bucketStarts,
  type Interval,
  previousRange,
  type RangeInput,
  type ResolvedRange,
  resolveRange,
} from "@/lib/time-range";
import {
  ALL_MEASURES,
  addHealth,
  average,
  healthRowText,
  OVERLAY_MEASURES,
  parseHealthRow,
  parseOverlayRow,
  parseVitalsRow,
  type RowLatency,
  ratio,
  stateOfRow,
  VITALS_MEASURES,
} from "./health-rows";
import { bucketExpr, num, num0, type Segment, sameWidth, segments, table, tsBetween } from "./levels";
import type {
  BucketState,
  HealthPoint,
  HealthSeries,
  LatencyStats,
  NodeRow,
  NodeTable,
  OverlayPoint,
  OverlaySeries,
  Summary,
  SummaryComparison,
} from "./types";

/** Additive health measures for one group (a bucket, a node, a whole range), summed over node rows. */
export type HealthAgg = {
  rows: number;
  requests: number;
  cacheHits: number;
  cacheMisses: number;
  samples: number;
  platMin: number | null;
  platMax: number | null;
  platSum: number;
  platCount: number;
  ulatMin: number | null;
  ulatMax: number | null;
  ulatSum: number;
  ulatCount: number;
  bytesIn: number;
  bytesOut: number;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
  sOther: number;
  platHist: number[] | null;
  ulatHist: number[] | null;
  /** Stored with a single row (its `quantiles` column); null for a merged group, which uses the histograms. */
  quantiles: Quantiles | null;
};

/** p50, p95, p99 of proxy latency, then of upstream latency, in ms; null where a family has no sample. */
export type Quantiles = (number | null)[];

const HEALTH_COLUMNS = sql.raw(
  "bucket_ts, node_id, requests, cache_hits, cache_misses, samples, plat_min, plat_max, plat_sum, plat_count, " +
    "plat_hist, ulat_min, ulat_max, ulat_sum, ulat_count, ulat_hist, quantiles, bytes_in, bytes_out, " +
    "status_1xx, status_2xx, status_3xx, status_4xx, status_5xx, status_other",
);

/**
 * Cluster = Σ counts, min of mins, max of maxes (DESIGN §3); the reader contract allows several rows per key.
 *
 * Every read sums over float8, `sum(x::float8)`, exact for the integer counts and sums stored here (below
 * 2^53). `sum(int8)` keeps a 128-bit state per group and ends in numeric: on the 24 h consumer table
 * (18.5k rows × 50 sums) the float8 form took 47 ms against 60 ms, and the consumer×route top 10 over an
 * hour 26 ms against 32 (psql, bench:queries data, medians of 7).
 */
const AGG_COLUMNS = sql.raw(
  "count(*)::float8 AS n_rows, sum(requests::float8) AS requests, sum(cache_hits::float8) AS cache_hits, " +
    "sum(cache_misses::float8) AS cache_misses, sum(samples::float8) AS samples, min(plat_min) AS plat_min, " +
    "max(plat_max) AS plat_max, sum(plat_sum::float8) AS plat_sum, sum(plat_count::float8) AS plat_count, " +
    "min(ulat_min) AS ulat_min, max(ulat_max) AS ulat_max, sum(ulat_sum::float8) AS ulat_sum, " +
    "sum(ulat_count::float8) AS ulat_count, sum(bytes_in::float8) AS bytes_in, sum(bytes_out::float8) AS bytes_out, " +
    "sum(status_1xx::float8) AS s1, sum(status_2xx::float8) AS s2, sum(status_3xx::float8) AS s3, " +
    "sum(status_4xx::float8) AS s4, sum(status_5xx::float8) AS s5, sum(status_other::float8) AS s_other",
);

type AggRow = Record<string, unknown> & { ts?: unknown; node_id?: unknown };

export type NodeFilter = { nodeId?: string; nodeIds?: string[] };

function nodeCondition(filter: NodeFilter): SQL | undefined {
  if (filter.nodeId !== undefined) return sql`node_id = ${filter.nodeId}::uuid`;
  if (filter.nodeIds !== undefined) return sql`node_id = ANY(${sql.param(filter.nodeIds)}::text[]::uuid[])`;
  return undefined;
}

function bucketCondition(buckets: number[]): SQL {
  const at = buckets.map((b) => new Date(b * 1000).toISOString());
  return sql`bucket_ts = ANY(${sql.param(at)}::text[]::timestamptz[])`;
}

/**
 * One FROM source over the segments' tables (UNION ALL, each arm bounded by bucket_ts). Whole-cluster reads
 * at 1 s and 1 min use the cluster tables (one row per bucket, written with the node rows at ingest) instead
 * of merging every node's row per bucket.
 */
function healthSource(segs: Segment[], filter: NodeFilter & { byNode?: boolean; buckets?: number[] }): SQL {
  const cond = nodeCondition(filter);
  const wholeCluster = cond === undefined && !filter.byNode;
  const more = [cond, filter.buckets && bucketCondition(filter.buckets)].flatMap((c) =>
    c ? [sql` AND ${c}`] : [],
  );
  const arms = segs.map((s) => {
    const family = wholeCluster && s.level !== "hours" ? "health_cluster" : "health";
    return sql`SELECT ${HEALTH_COLUMNS} FROM ${table(family, s.level)} WHERE ${tsBetween(s.from, s.to)}${sql.join(more)}`;
  });
  return sql`(${sql.join(arms, sql` UNION ALL `)}) AS h`;
}

function keyOf(ts: unknown, nodeId: unknown): string {
  return `${ts === undefined ? "" : num(ts)}|${nodeId === undefined ? "" : String(nodeId)}`;
}

export type HealthGroup = HealthAgg & { ts: number | null; nodeId: string | null };

const groupKey = (g: HealthGroup) => keyOf(g.ts ?? undefined, g.nodeId ?? undefined);

/**
 * True when every group holds one stored row or a few: a series at its table's own width, per node (the
 * (bucket_ts, node_id) primary key of health_* makes that one row) or for the whole cluster from the cluster
 * tables (≤ 8 shard rows per bucket, one once maintenance compacted them). Everything else (totals, wider
 * buckets, whole-cluster hours: 20 node rows per bucket) is aggregated in SQL.
 */
function fewRowsPerGroup(params: AggregateParams): boolean {
  if (params.step === undefined || !sameWidth(params.step, params.segments)) return false;
  if (params.byNode || params.nodeId !== undefined) return true;
  return params.nodeIds === undefined && params.segments.every((s) => s.level !== "hours");
}

type AggregateParams = {
  segments: Segment[];
  step?: number;
  byNode?: boolean;
  /** false: no latency percentiles; "proxy": proxy latency's only (half the histogram cells to sum). */
  histograms?: boolean | "proxy";
} & NodeFilter;

/**
 * Aggregates health rows grouped by bucket (when `step` is given) and/or node. Groups of one or a few stored
 * rows are read row by row and merged in JS (health-rows.ts); the rest is summed in SQL, histograms per cell.
 */
export async function aggregateHealth(db: Db, params: AggregateParams): Promise<Map<string, HealthGroup>> {
  if (fewRowsPerGroup(params)) {
    const out = new Map<string, HealthGroup>();
    await readStoredRows(db, params, out, groupKey);
    return out;
  }
  const source = healthSource(params.segments, params);
  // Grouping by the raw key columns (not expressions over them) lets Postgres sort/hash cheaply and keeps its
  // group estimate sane (an expression key made it spill the sort to disk: bench/queries.ts).
  const select: SQL[] = [];
  const keys: SQL[] = [];
  if (params.step !== undefined) {
    select.push(sql`${bucketExpr(params.step, params.segments)} AS ts`);
    keys.push(sameWidth(params.step, params.segments) ? sql`bucket_ts` : sql`1`);
  }
  if (params.byNode) {
    select.push(sql`node_id::text AS node_id`);
    keys.push(sql`node_id`);
  }
  const selectSql = select.length ? sql`${sql.join(select, sql`, `)}, ` : sql``;
  const groupBy = keys.length ? sql` GROUP BY ${sql.join(keys, sql`, `)}` : sql``;
  // Histograms are merged in the same scan as the scalars, as sum(hist[i]) per cell up to the longest array
  // in the range (arrays are stored without trailing zeros): measured 2–3× cheaper than unnest … WITH
  // ORDINALITY, whose per-row function scan dominated series reads (bench/queries.ts).
  let platLen = 0;
  let ulatLen = 0;
  if (params.histograms !== false) {
    const upstream = params.histograms !== "proxy";
    const [len] = await queryRows<{ p: unknown; u: unknown }>(
      db,
      sql`SELECT max(cardinality(plat_hist)) AS p${upstream ? sql`, max(cardinality(ulat_hist)) AS u` : sql``}
          FROM ${source}`,
    );
    platLen = num0(len?.p);
    ulatLen = num0(len?.u);
  }
  const scalars = await queryRows<AggRow>(
    db,
    sql`SELECT ${selectSql}${AGG_COLUMNS}${histSums("plat_hist", "hp", platLen)}${histSums("ulat_hist", "hu", ulatLen)}
        FROM ${source}${groupBy}`,
  );
  const out = new Map<string, HealthGroup>();
  for (const r of scalars) {
    const rows = num0(r.n_rows);
    if (rows === 0) continue;
    out.set(keyOf(r.ts, r.node_id), {
      ts: r.ts === undefined ? null : num(r.ts),
      nodeId: r.node_id === undefined ? null : String(r.node_id),
      rows,
      requests: num0(r.requests),
      cacheHits: num0(r.cache_hits),
      cacheMisses: num0(r.cache_misses),
      samples: num0(r.samples),
      platMin: num(r.plat_min),
      platMax: num(r.plat_max),
      platSum: num0(r.plat_sum),
      platCount: num0(r.plat_count),
      ulatMin: num(r.ulat_min),
      ulatMax: num(r.ulat_max),
      ulatSum: num0(r.ulat_sum),
      ulatCount: num0(r.ulat_count),
      bytesIn: num0(r.bytes_in),
      bytesOut: num0(r.bytes_out),
      s1: num0(r.s1),
      s2: num0(r.s2),
      s3: num0(r.s3),
      s4: num0(r.s4),
      s5: num0(r.s5),
      sOther: num0(r.s_other),
      platHist: histFrom(r, "hp", platLen),
      ulatHist: histFrom(r, "hu", ulatLen),
      quantiles: null,
    });
  }
  return out;
}

/**
 * The stored rows of the segments merged into `groups` by `key` in JS: no GROUP BY, no histogram sums in SQL.
 * node_id needs no ::text cast: postgres.js and PGlite both hand uuids over as strings.
 *
 * A row comes with its stored quantiles when it has them. That serves a group of one row, nearly every group
 * (a node's bucket always; a cluster bucket once compacted); a group of several rows needs every row's
 * histograms, so a bucket where one of several rows came without them (a late shard row next to a compacted
 * one) is read again with histograms.
 */
async function readStoredRows<K>(
  db: Db,
  params: AggregateParams,
  groups: Map<K, HealthGroup>,
  key: (g: HealthGroup) => K,
): Promise<void> {
  const latency: RowLatency = params.histograms === false ? "none" : "stored";
  const reread = mergeRows(await storedRows(db, params, latency), latency, groups, key);
  if (reread.size === 0) return;
  const again = await storedRows(db, { ...params, buckets: [...reread] }, "histograms");
  for (const row of again) groups.delete(key(row));
  mergeRows(again, "histograms", groups, key);
}

async function storedRows(
  db: Db,
  params: AggregateParams & { buckets?: number[] },
  latency: RowLatency,
): Promise<HealthGroup[]> {
  const rows = await queryRows<{ node_id?: string; r: string }>(
    db,
    sql`SELECT ${params.byNode ? sql`node_id, ` : sql``}${healthRowText(ALL_MEASURES, latency)} AS r
        FROM ${healthSource(params.segments, params)}`,
  );
  return rows.map((row) => parseHealthRow(row.r, latency, row.node_id ?? null));
}

/** Adds rows into their groups; returns the buckets where a merge lacked a row's histograms. */
function mergeRows<K>(
  rows: HealthGroup[],
  latency: RowLatency,
  groups: Map<K, HealthGroup>,
  key: (g: HealthGroup) => K,
): Set<number> {
  const reread = new Set<number>();
  for (const row of rows) {
    const k = key(row);
    const seen = groups.get(k);
    if (!seen) {
      groups.set(k, row);
      continue;
    }
    if (latency === "stored" && (seen.quantiles !== null || row.quantiles !== null))
      reread.add(row.ts as number);
    addHealth(seen, row);
  }
  return reread;
}

/** The measures behind Kong's nine Vitals values and the percentiles extension (vitals/health.ts). */
export type VitalsMeasures = Pick<
  HealthAgg,
  | "requests"
  | "cacheHits"
  | "cacheMisses"
  | "platMin"
  | "platMax"
  | "platSum"
  | "platCount"
  | "ulatMin"
  | "ulatMax"
  | "ulatSum"
  | "ulatCount"
  | "platHist"
  | "ulatHist"
  | "quantiles"
>;

/**
 * Every stored row of one node (or all nodes) over the segments, with only the Vitals measures: each is its
 * own (bucket, node) group at the table's width (the health_* key), so nothing is merged. /vitals/nodes at
 * 1 s dumps 72k rows; reading 11 measures instead of 20 roughly halved it (bench/queries.ts).
 */
export async function readNodeVitals(
  db: Db,
  params: { segments: Segment[]; nodeId?: string; histograms: boolean },
): Promise<(VitalsMeasures & { ts: number; nodeId: string })[]> {
  const source = healthSource(params.segments, { nodeId: params.nodeId, byNode: true });
  const latency = params.histograms ? "stored" : "none";
  const rows = await queryRows<{ node_id: string; r: string }>(
    db,
    sql`SELECT node_id, ${healthRowText(VITALS_MEASURES, latency)} AS r FROM ${source}`,
  );
  return rows.map((row) => parseVitalsRow(row.r, latency, row.node_id));
}

/** `, sum(col[1]::float8) AS p0, …` for the first `len` histogram cells. */
export function histSums(column: string, prefix: string, len: number): SQL {
  if (len === 0) return sql``;
  const cols = Array.from({ length: len }, (_, i) => `sum(${column}[${i + 1}]::float8) AS ${prefix}${i}`);
  return sql.raw(`, ${cols.join(", ")}`);
}

export function histFrom(row: Record<string, unknown>, prefix: string, len: number): number[] | null {
  if (len === 0) return null;
  const out = new Array<number>(len);
  let total = 0;
  for (let i = 0; i < len; i++) {
    out[i] = num0(row[`${prefix}${i}`]);
    total += out[i];
  }
  return total > 0 ? out : null;
}

const NULL_LATENCY: LatencyStats = { min: null, max: null, avg: null, p50: null, p95: null, p99: null };

const QUANTILES = [0.5, 0.95, 0.99] as const;

/**
 * p50/p95/p99 of proxy then upstream latency: the stored ones of a single row, else estimated from the merged
 * histograms. Maintenance stores exactly these values (fillQuantiles), so both ways give the same numbers.
 */
export function quantilesOf(a: VitalsMeasures): Quantiles {
  if (a.quantiles) return a.quantiles;
  const family = (count: number, hist: number[] | null, min: number | null, max: number | null) =>
    QUANTILES.map((q) => (count > 0 ? quantile(HEALTH_HISTOGRAM, hist, q, min, max) : null));
  return [
    ...family(a.platCount, a.platHist, a.platMin, a.platMax),
    ...family(a.ulatCount, a.ulatHist, a.ulatMin, a.ulatMax),
  ];
}

function latencyStats(
  min: number | null,
  max: number | null,
  sum: number,
  count: number,
  [p50, p95, p99]: Quantiles,
): LatencyStats {
  if (count === 0) return NULL_LATENCY;
  return { min, max, avg: average(sum, count), p50, p95, p99 };
}

export function stateOf(agg: HealthAgg | undefined): BucketState {
  return agg ? stateOfRow(agg.requests) : "silent";
}

export function toHealthPoint(ts: number, step: number, agg: HealthAgg | undefined): HealthPoint {
  if (!agg)
    return {
      ts,
      state: "silent",
      requests: null,
      rps: null,
      cacheHits: null,
      cacheMisses: null,
      cacheHitRatio: null,
      proxy: NULL_LATENCY,
      upstream: NULL_LATENCY,
      status: null,
      bytesIn: null,
      bytesOut: null,
    };
  const q = quantilesOf(agg);
  return {
    ts,
    state: stateOf(agg),
    requests: agg.requests,
    rps: agg.requests / step,
    cacheHits: agg.cacheHits,
    cacheMisses: agg.cacheMisses,
    cacheHitRatio: ratio(agg.cacheHits, agg.cacheHits + agg.cacheMisses),
    proxy: latencyStats(agg.platMin, agg.platMax, agg.platSum, agg.platCount, q.slice(0, 3)),
    upstream: latencyStats(agg.ulatMin, agg.ulatMax, agg.ulatSum, agg.ulatCount, q.slice(3)),
    status: { "1xx": agg.s1, "2xx": agg.s2, "3xx": agg.s3, "4xx": agg.s4, "5xx": agg.s5, other: agg.sOther },
    bytesIn: agg.bytesIn,
    bytesOut: agg.bytesOut,
  };
}

const silentOverlay = (ts: number): OverlayPoint => ({
  ts,
  state: "silent",
  requests: null,
  rps: null,
  proxyAvg: null,
  upstreamAvg: null,
  cacheHitRatio: null,
});

type RangeParams = { range: RangeInput; nowMs?: number };

/** Health series for the cluster (no nodeId) or one node, gap-filled. */
export async function getHealthSeries(
  db: Db,
  params: RangeParams & { nodeId?: string },
): Promise<HealthSeries> {
  const range = resolveRange(params.range, params.nowMs);
  const p: AggregateParams = {
    segments: [{ level: range.interval, from: range.from, to: range.to }],
    step: range.step,
    nodeId: params.nodeId,
  };
  // The groups by bucket index: no key strings (building and hashing them was a fifth of an hour-long
  // series' time in JS).
  const index = (g: HealthGroup) => ((g.ts as number) - range.from) / range.step;
  const slots = new Map<number, HealthGroup>();
  if (fewRowsPerGroup(p)) await readStoredRows(db, p, slots, index);
  else for (const g of (await aggregateHealth(db, p)).values()) slots.set(index(g), g);
  return { range, points: bucketStarts(range).map((ts, i) => toHealthPoint(ts, range.step, slots.get(i))) };
}

/**
 * One node's line over the cluster charts, a query of its own so that choosing a node fetches only its line.
 * Its rows, one per bucket ((bucket_ts, node_id) is the key of health_*), read through the (node_id,
 * bucket_ts) index with only what the lines show, each parsed straight into its point.
 */
export async function getOverlaySeries(
  db: Db,
  params: RangeParams & { nodeId: string },
): Promise<OverlaySeries> {
  const range = resolveRange(params.range, params.nowMs);
  const seg: Segment[] = [{ level: range.interval, from: range.from, to: range.to }];
  const [rows, hostnames] = await Promise.all([
    queryRows<{ r: string }>(
      db,
      sql`SELECT ${healthRowText(OVERLAY_MEASURES, "none")} AS r FROM ${healthSource(seg, { nodeId: params.nodeId })}`,
    ),
    getHostnames(db, [params.nodeId]),
  ]);
  const starts = bucketStarts(range);
  const points = new Array<OverlayPoint>(starts.length);
  for (const row of rows) {
    const point = parseOverlayRow(row.r, range.step);
    points[(point.ts - range.from) / range.step] = point;
  }
  for (let i = 0; i < starts.length; i++) points[i] ??= silentOverlay(starts[i]);
  return { range, nodeId: params.nodeId, hostname: hostnames.get(params.nodeId) ?? params.nodeId, points };
}

export async function getHostnames(db: Db, ids?: string[]): Promise<Map<string, string>> {
  const rows = await queryRows<{ id: string; hostname: string }>(
    db,
    ids
      ? sql`SELECT id::text AS id, hostname FROM nodes WHERE id = ANY(${sql.param(ids)}::text[]::uuid[])`
      : sql`SELECT id::text AS id, hostname FROM nodes`,
  );
  return new Map(rows.map((r) => [r.id, r.hostname]));
}

export function summarize(agg: HealthAgg | undefined, range: ResolvedRange): Summary {
  if (!agg)
    return {
      requests: null,
      rps: null,
      errorRate4xx: null,
      errorRate5xx: null,
      p95ProxyMs: null,
      p95UpstreamMs: null,
      cacheHitRatio: null,
    };
  return {
    requests: agg.requests,
    rps: agg.requests / (range.to - range.from),
    errorRate4xx: ratio(agg.s4, agg.requests),
    errorRate5xx: ratio(agg.s5, agg.requests),
    p95ProxyMs:
      agg.platCount > 0 ? quantile(HEALTH_HISTOGRAM, agg.platHist, 0.95, agg.platMin, agg.platMax) : null,
    p95UpstreamMs:
      agg.ulatCount > 0 ? quantile(HEALTH_HISTOGRAM, agg.ulatHist, 0.95, agg.ulatMin, agg.ulatMax) : null,
    cacheHitRatio: ratio(agg.cacheHits, agg.cacheHits + agg.cacheMisses),
  };
}

async function totalFor(db: Db, range: ResolvedRange, nodeId: string | undefined): Promise<Summary> {
  const result = await aggregateHealth(db, { segments: segments("health", range, { tiered: true }), nodeId });
  return summarize(result.get(keyOf(undefined, undefined)), range);
}

/** Summary cards for the range and the equally long range before it (period-over-period). */
export async function getSummary(
  db: Db,
  params: RangeParams & { nodeId?: string },
): Promise<SummaryComparison> {
  const range = resolveRange(params.range, params.nowMs);
  const [current, previous] = await Promise.all([
    totalFor(db, range, params.nodeId),
    totalFor(db, previousRange(range), params.nodeId),
  ]);
  return { range, current, previous };
}

/** How recent "live" is: a node that proxied a request in the last LIVE_WINDOW seconds. */
export const LIVE_WINDOW_S = 10;

/** Nodes table: every registered node, its traffic over the range and its state right now. */
export async function getNodeTable(db: Db, params: RangeParams): Promise<NodeTable> {
  const range = resolveRange(params.range, params.nowMs);
  const nowSec = Math.floor((params.nowMs ?? Date.now()) / 1000);
  const [nodes, totals, recent, lastSeen] = await Promise.all([
    queryRows<{ id: string; hostname: string; version: string | null; first_seen: unknown }>(
      db,
      sql`SELECT id::text AS id, hostname, version, extract(epoch from first_seen_at)::float8 AS first_seen
          FROM nodes ORDER BY hostname, id`,
    ),
    aggregateHealth(db, {
      segments: segments("health", range, { tiered: true }),
      byNode: true,
      histograms: "proxy",
    }),
    queryRows<{ node_id: string; requests: unknown }>(
      db,
      sql`SELECT node_id::text AS node_id, sum(requests::float8) AS requests FROM health_seconds
          WHERE ${tsBetween(nowSec - LIVE_WINDOW_S, nowSec + 1)} GROUP BY node_id`,
    ),
    getLastSeen(db, nowSec),
  ]);
  const recentBy = new Map(recent.map((r) => [r.node_id, num0(r.requests)]));
  return {
    range,
    rows: nodes.map((n): NodeRow => {
      const agg = totals.get(keyOf(undefined, n.id));
      const recentRequests = recentBy.get(n.id);
      return {
        id: n.id,
        hostname: n.hostname,
        version: n.version,
        firstSeen: Math.floor(num0(n.first_seen)),
        lastSeen: lastSeen.get(n.id) ?? null,
        state: recentRequests === undefined ? "silent" : recentRequests > 0 ? "live" : "idle",
        requests: agg?.requests ?? 0,
        p95Ms:
          agg && agg.platCount > 0
            ? quantile(HEALTH_HISTOGRAM, agg.platHist, 0.95, agg.platMin, agg.platMax)
            : null,
        errorRate: agg ? ratio(agg.s4 + agg.s5, agg.requests) : null,
      };
    }),
  };
}

/**
 * Newest bucket start per node, finest level first, each read bounded by its retention window. Every level
 * is written with the same events, so the first level that has a row for the node holds its newest bucket.
 * One backward index probe per node and level ((node_id, bucket_ts) on seconds and minutes) instead of
 * grouping an hour of every node's seconds (bench:queries: 40 ms → 1 ms for 20 nodes); a join to the nodes
 * reference table on the distribution column, as scale-notes R8 allows.
 */
async function getLastSeen(db: Db, nowSec: number): Promise<Map<string, number>> {
  const newest = (level: Interval, from: number, to: number) =>
    sql`(SELECT max(bucket_ts) FROM ${table("health", level)} WHERE node_id = n.id AND ${tsBetween(from, to)})`;
  const rows = await queryRows<{ node_id: string; ts: unknown }>(
    db,
    sql`SELECT id AS node_id, extract(epoch from COALESCE(
          ${newest("seconds", nowSec - 3600, nowSec + 60)},
          ${newest("minutes", nowSec - 25 * 3600, nowSec + 3600)},
          ${newest("hours", nowSec - 30 * 86400, nowSec + 86400)}))::float8 AS ts
        FROM nodes n`,
  );
  const out = new Map<string, number>();
  for (const r of rows) if (r.ts !== null) out.set(r.node_id, num0(r.ts));
  return out;
}
