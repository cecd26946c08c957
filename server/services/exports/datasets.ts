import type { Db } from "@/db/client";
import type { ResolvedRange } from "@/lib/time-range";
import { getConsumerRoutes, getStatusCodeSeries } from "../rollups/read/codes";
import { getEntityTable } from "../rollups/read/entities";
import { getHealthSeries, getHostnames, getNodeTable, getSummary } from "../rollups/read/health";
import type { HealthPoint, Summary } from "../rollups/read/types";
import { type ExportParams, entityKindOf, invalidExportParam, pageOf, scopeOf } from "./params";

/**
 * CSV datasets, long format (one row per bucket × dimension), as documented in docs/csv.md. Every file starts
 * with `timestamp` (ISO 8601 UTC, bucket start; for tables the range start) and `unix_ts`, then dimension
 * columns, then metrics. Empty cells are nulls: a silent bucket, an undefined ratio, a latency gap.
 */
export type Cell = string | number | null;
export type Dataset = { name: string; range: ResolvedRange; columns: string[]; rows: Cell[][] };

export const DATASETS = [
  "health",
  "summary",
  "status-classes",
  "status-codes",
  "entities",
  "consumer-routes",
  "nodes",
  "page",
] as const;
export type DatasetName = (typeof DATASETS)[number];

export function isoUtc(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
}

const LATENCY = ["min", "max", "avg", "p50", "p95", "p99"] as const;

const HEALTH_COLUMNS = [
  "timestamp",
  "unix_ts",
  "scope",
  "node_id",
  "hostname",
  "state",
  "requests",
  "rps",
  "cache_hits",
  "cache_misses",
  "cache_hit_ratio",
  ...LATENCY.map((s) => `proxy_${s}_ms`),
  ...LATENCY.map((s) => `upstream_${s}_ms`),
  "status_1xx",
  "status_2xx",
  "status_3xx",
  "status_4xx",
  "status_5xx",
  "status_other",
  "bytes_in",
  "bytes_out",
];

function healthRow(p: HealthPoint, scope: string, nodeId: string | null, hostname: string | null): Cell[] {
  return [
    isoUtc(p.ts),
    p.ts,
    scope,
    nodeId,
    hostname,
    p.state,
    p.requests,
    p.rps,
    p.cacheHits,
    p.cacheMisses,
    p.cacheHitRatio,
    ...LATENCY.map((s) => p.proxy[s]),
    ...LATENCY.map((s) => p.upstream[s]),
    p.status?.["1xx"] ?? null,
    p.status?.["2xx"] ?? null,
    p.status?.["3xx"] ?? null,
    p.status?.["4xx"] ?? null,
    p.status?.["5xx"] ?? null,
    p.status?.other ?? null,
    p.bytesIn,
    p.bytesOut,
  ];
}

/**
 * Cluster (or the `node`) series, then one block per overlay node; scope says which. The chart draws only an
 * overlay's lines (OverlayPoint); the file has every column for it, from the node's own series.
 */
async function health(db: Db, p: ExportParams): Promise<Dataset> {
  const overlayIds = [...new Set(p.overlay)];
  const [s, hostnames, ...overlays] = await Promise.all([
    getHealthSeries(db, { range: p.range, nodeId: p.node }),
    p.node || overlayIds.length
      ? getHostnames(db, p.node ? [p.node, ...overlayIds] : overlayIds)
      : new Map<string, string>(),
    ...overlayIds.map((nodeId) => getHealthSeries(db, { range: p.range, nodeId })),
  ]);
  const subject = p.node ? "node" : "cluster";
  const hostname = p.node ? (hostnames.get(p.node) ?? null) : null;
  const rows = s.points.map((pt) => healthRow(pt, subject, p.node ?? null, hostname));
  overlayIds.forEach((nodeId, i) => {
    for (const pt of overlays[i].points)
      rows.push(healthRow(pt, "node", nodeId, hostnames.get(nodeId) ?? nodeId));
  });
  return { name: "health", range: s.range, columns: HEALTH_COLUMNS, rows };
}

const CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"] as const;

/** Status classes per bucket from the health rollups; silent buckets have no rows. */
async function statusClasses(db: Db, p: ExportParams): Promise<Dataset> {
  const s = await getHealthSeries(db, { range: p.range, nodeId: p.node });
  const rows: Cell[][] = [];
  for (const pt of s.points) {
    if (!pt.status) continue;
    for (const c of CLASSES)
      rows.push([isoUtc(pt.ts), pt.ts, p.node ? "node" : "cluster", p.node ?? null, c, pt.status[c]]);
  }
  return {
    name: "status-classes",
    range: s.range,
    columns: ["timestamp", "unix_ts", "scope", "node_id", "status_class", "requests"],
    rows,
  };
}

const SUMMARY_COLUMNS = [
  "timestamp",
  "unix_ts",
  "period",
  "range_seconds",
  "scope",
  "node_id",
  "requests",
  "rps",
  "error_rate_4xx",
  "error_rate_5xx",
  "p95_proxy_ms",
  "p95_upstream_ms",
  "cache_hit_ratio",
];

function summaryRow(period: string, from: number, to: number, p: ExportParams, s: Summary): Cell[] {
  return [
    isoUtc(from),
    from,
    period,
    to - from,
    p.node ? "node" : "cluster",
    p.node ?? null,
    s.requests,
    s.rps,
    s.errorRate4xx,
    s.errorRate5xx,
    s.p95ProxyMs,
    s.p95UpstreamMs,
    s.cacheHitRatio,
  ];
}

async function summary(db: Db, p: ExportParams): Promise<Dataset> {
  const s = await getSummary(db, { range: p.range, nodeId: p.node });
  const length = s.range.to - s.range.from;
  return {
    name: "summary",
    range: s.range,
    columns: SUMMARY_COLUMNS,
    rows: [
      summaryRow("current", s.range.from, s.range.to, p, s.current),
      summaryRow("previous", s.range.from - length, s.range.from, p, s.previous),
    ],
  };
}

/** Exact codes per bucket for the scope (`kind`/`id`, or `node`, or the cluster); zero counts are left out. */
async function statusCodes(db: Db, p: ExportParams): Promise<Dataset> {
  const scope = scopeOf(p);
  const s = await getStatusCodeSeries(db, { range: p.range, entity: scope });
  const rows: Cell[][] = [];
  for (const pt of s.points)
    for (const [code, n] of Object.entries(pt.codes).sort(([a], [b]) => Number(a) - Number(b)))
      rows.push([isoUtc(pt.ts), pt.ts, scope.kind, scope.id ?? null, Number(code), n]);
  return {
    name: "status-codes",
    range: s.range,
    columns: ["timestamp", "unix_ts", "entity_kind", "entity_id", "status_code", "requests"],
    rows,
  };
}

async function entities(db: Db, p: ExportParams): Promise<Dataset> {
  const kind = entityKindOf(p);
  const t = await getEntityTable(db, { range: p.range, kind });
  return {
    name: `entities-${kind}`,
    range: t.range,
    columns: [
      "timestamp",
      "unix_ts",
      "range_seconds",
      "entity_kind",
      "entity_id",
      "name",
      "requests",
      "status_4xx",
      "status_5xx",
      "error_rate",
      "p95_request_ms",
      "last_seen",
    ],
    rows: t.rows.map((r) => [
      isoUtc(t.range.from),
      t.range.from,
      t.range.to - t.range.from,
      kind,
      r.id,
      r.name,
      r.requests,
      r.status4xx,
      r.status5xx,
      r.errorRate,
      r.p95Ms,
      r.lastSeen === null ? null : isoUtc(r.lastSeen),
    ]),
  };
}

/** Konnect caps a CSV at 1,000 groups (kong-vitals §3.1); the rest is summed into the "other" row. */
const CSV_PAIR_LIMIT = 1000;

async function consumerRoutes(db: Db, p: ExportParams): Promise<Dataset> {
  const t = await getConsumerRoutes(db, {
    range: p.range,
    consumerId: p.consumerId,
    routeId: p.routeId,
    serviceId: p.serviceId,
    limit: p.limit ?? CSV_PAIR_LIMIT,
  });
  const rows: Cell[][] = [];
  for (const r of t.rows)
    for (const [code, n] of Object.entries(r.codes).sort(([a], [b]) => Number(a) - Number(b)))
      rows.push([
        isoUtc(t.range.from),
        t.range.from,
        t.range.to - t.range.from,
        r.consumerId === null ? "other" : "pair",
        r.consumerId,
        r.consumerName,
        r.routeId,
        r.routeName,
        Number(code),
        n,
      ]);
  return {
    name: "consumer-routes",
    range: t.range,
    columns: [
      "timestamp",
      "unix_ts",
      "range_seconds",
      "row",
      "consumer_id",
      "consumer_name",
      "route_id",
      "route_name",
      "status_code",
      "requests",
    ],
    rows,
  };
}

async function nodes(db: Db, p: ExportParams): Promise<Dataset> {
  const t = await getNodeTable(db, { range: p.range });
  return {
    name: "nodes",
    range: t.range,
    columns: [
      "timestamp",
      "unix_ts",
      "range_seconds",
      "node_id",
      "hostname",
      "version",
      "state",
      "first_seen",
      "last_seen",
      "requests",
      "error_rate",
      "p95_proxy_ms",
    ],
    rows: t.rows.map((r) => [
      isoUtc(t.range.from),
      t.range.from,
      t.range.to - t.range.from,
      r.id,
      r.hostname,
      r.version,
      r.state,
      isoUtc(r.firstSeen),
      r.lastSeen === null ? null : isoUtc(r.lastSeen),
      r.requests,
      r.errorRate,
      r.p95Ms,
    ]),
  };
}

/**
 * "Export page": one CSV holding every dataset of a page in a fully long layout, `dataset, timestamp,
 * unix_ts, <dimensions as key=value>, metric, value`, so sections with different columns share one header.
 *   overview: summary, health (cluster + overlays), nodes · node: summary, health, status-codes of the node ·
 *   service/route/consumer/api: the entity's row of its list table, status-codes, consumer-routes (not api).
 */
async function page(db: Db, p: ExportParams): Promise<Dataset> {
  const which = pageOf(p);
  const parts: Dataset[] = [];
  if (which === "overview") parts.push(await summary(db, p), await health(db, p), await nodes(db, p));
  else if (which === "node") {
    const q = { ...p, overlay: [] };
    parts.push(
      await summary(db, q),
      await health(db, q),
      await statusCodes(db, { ...q, kind: "node", id: p.node }),
    );
  } else {
    const table = await entities(db, { ...p, kind: which });
    parts.push({ ...table, rows: table.rows.filter((r) => r[4] === p.id) });
    parts.push(await statusCodes(db, { ...p, kind: which }));
    if (which !== "api") {
      const filter = { service: "serviceId", route: "routeId", consumer: "consumerId" } as const;
      parts.push(await consumerRoutes(db, { ...p, [filter[which]]: p.id }));
    }
  }
  const rows: Cell[][] = [];
  for (const part of parts) {
    const dims = part.columns.map((c, i) => ({ c, i })).filter(({ c }) => DIMENSIONS.has(c));
    const metrics = part.columns
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => !DIMENSIONS.has(c) && c !== "timestamp" && c !== "unix_ts");
    for (const r of part.rows) {
      const dimension = dims.map(({ c, i }) => `${c}=${r[i] ?? ""}`).join(";");
      for (const { c, i } of metrics) rows.push([part.name, r[0], r[1], dimension, c, r[i]]);
    }
  }
  return {
    name: `page-${which}`,
    range: parts[0].range,
    columns: ["dataset", "timestamp", "unix_ts", "dimensions", "metric", "value"],
    rows,
  };
}

/** Columns that identify a row (become `dimensions` in the page bundle) rather than measure it. */
const DIMENSIONS = new Set([
  "scope",
  "node_id",
  "hostname",
  "period",
  "range_seconds",
  "entity_kind",
  "entity_id",
  "name",
  "status_class",
  "status_code",
  "row",
  "consumer_id",
  "consumer_name",
  "route_id",
  "route_name",
  "version",
]);

const BUILDERS: Record<DatasetName, (db: Db, p: ExportParams) => Promise<Dataset>> = {
  health,
  summary,
  "status-classes": statusClasses,
  "status-codes": statusCodes,
  entities,
  "consumer-routes": consumerRoutes,
  nodes,
  page,
};

export async function buildExport(db: Db, dataset: string, params: ExportParams): Promise<Dataset> {
  if (!(DATASETS as readonly string[]).includes(dataset))
    throw invalidExportParam("dataset", `expected one of ${DATASETS.join(", ")}`);
  return BUILDERS[dataset as DatasetName](db, params);
}

export function exportFilename(d: Dataset): string {
  const stamp = (s: number) => isoUtc(s).replace(/[-:]/g, "").replace("T", "-").replace("Z", "Z");
  return `gatewatch-${d.name}-${stamp(d.range.from)}-${stamp(d.range.to)}.csv`;
}
