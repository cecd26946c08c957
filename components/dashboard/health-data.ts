import { type Band, bandsFromStates, type ChartPoint, PALETTE } from "@/components/charts/chart-utils";
import type { SeriesSpec } from "@/components/charts/time-series-chart";
import type { HealthPoint, HealthSeries, OverlayPoint, OverlaySeries } from "./types";

export type Overlay = OverlaySeries;

const percent = (ratio: number | null) => (ratio === null ? null : ratio * 100);

/** Flattens one health point into chart fields. */
function fields(p: HealthPoint): Record<string, number | null> {
  return {
    rps: p.rps,
    requests: p.requests,
    pMin: p.proxy.min,
    pAvg: p.proxy.avg,
    pMax: p.proxy.max,
    p50: p.proxy.p50,
    p95: p.proxy.p95,
    p99: p.proxy.p99,
    uMin: p.upstream.min,
    uAvg: p.upstream.avg,
    uMax: p.upstream.max,
    u50: p.upstream.p50,
    u95: p.upstream.p95,
    u99: p.upstream.p99,
    hits: p.cacheHits,
    misses: p.cacheMisses,
    ratio: percent(p.cacheHitRatio),
    s1: p.status?.["1xx"] ?? null,
    s2: p.status?.["2xx"] ?? null,
    s3: p.status?.["3xx"] ?? null,
    s4: p.status?.["4xx"] ?? null,
    s5: p.status?.["5xx"] ?? null,
  };
}

/** An overlay node's line fields, keyed apart from the cluster's by `prefix` (overlaySeries). */
function overlayFields(p: OverlayPoint, prefix: string): Record<string, number | null> {
  return {
    [`${prefix}rps`]: p.rps,
    [`${prefix}pAvg`]: p.proxyAvg,
    [`${prefix}uAvg`]: p.upstreamAvg,
    [`${prefix}ratio`]: percent(p.cacheHitRatio),
  };
}

export const overlayPrefix = (nodeId: string) => `n${nodeId.replaceAll("-", "")}_`;

/**
 * One row per bucket: the main series plus every overlay node's fields. Each overlay is a query of its own
 * (a relative range resolved a moment apart), so a point outside the main series' buckets is left out.
 */
export function healthRows(
  series: HealthSeries,
  overlays: readonly (Overlay | undefined)[] = [],
): ChartPoint[] {
  const byTs = new Map<number, ChartPoint>();
  for (const p of series.points) byTs.set(p.ts, { t: p.ts, ...fields(p) });
  for (const o of overlays) {
    if (!o) continue;
    const prefix = overlayPrefix(o.nodeId);
    for (const p of o.points) {
      const row = byTs.get(p.ts);
      if (row) Object.assign(row, overlayFields(p, prefix));
    }
  }
  return [...byTs.values()];
}

export function healthBands(points: HealthPoint[], step: number): Band[] {
  return bandsFromStates(
    points.map((p) => ({ t: p.ts, state: p.state })),
    step,
  );
}

/**
 * A dashed line per loaded overlay node for `field` (e.g. `rps`, `pAvg`), labelled by hostname and coloured
 * by the node's position in the selection, as its chip in the node selector is.
 */
export function overlaySeries(
  overlays: readonly (Overlay | undefined)[],
  field: string,
  suffix = "",
): SeriesSpec[] {
  return overlays.flatMap((o, i) =>
    o
      ? [
          {
            key: `${overlayPrefix(o.nodeId)}${field}`,
            label: `${o.hostname}${suffix}`,
            color: PALETTE[(i + 2) % PALETTE.length],
            dashed: true,
          },
        ]
      : [],
  );
}

export const latencySeries = (p: "p" | "u"): SeriesSpec[] => [
  { key: `${p}Min`, label: "min", color: "var(--chart-3)", width: 1.25 },
  { key: `${p}Avg`, label: "avg", color: "var(--chart-1)" },
  { key: `${p}Max`, label: "max", color: "var(--chart-5)", width: 1.25 },
  { key: p === "p" ? "p50" : "u50", label: "p50", color: "var(--chart-6)", width: 1.25 },
  { key: p === "p" ? "p95" : "u95", label: "p95", color: "var(--chart-4)" },
  { key: p === "p" ? "p99" : "u99", label: "p99", color: "var(--chart-2)" },
];

export const classSeries: SeriesSpec[] = ["1", "2", "3", "4", "5"].map((c) => ({
  key: `s${c}`,
  label: `${c}xx`,
  color: `var(--status-${c}xx)`,
  type: "area",
  stackId: "classes",
}));
