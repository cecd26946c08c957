"use client";

import { useMemo } from "react";
import { ChartFrame } from "@/components/charts/chart-frame";
import { type SeriesSpec, TimeSeriesChart } from "@/components/charts/time-series-chart";
import { DownloadLink } from "@/components/ui/download-link";
import { formatCount, formatMs, formatRate } from "@/components/ui/format";
import {
  classSeries,
  healthBands,
  healthRows,
  latencySeries,
  type Overlay,
  overlaySeries,
} from "./health-data";
import type { HealthSeries } from "./types";
import type { TimeRangeState } from "./use-time-range";

type Props = {
  /** whose health: "Cluster" or a hostname (names the charts for screen readers) */
  subject: string;
  data: HealthSeries | undefined;
  /** nodes drawn over the cluster's lines, by the position they were chosen in (undefined: not loaded yet) */
  overlays?: readonly (Overlay | undefined)[];
  isLoading: boolean;
  error: { message: string } | null;
  time: TimeRangeState;
  /** CSV of exactly these series (same range, node and overlays) */
  csvHref: string;
  /** CSV of the status-class counts (a dataset of its own) */
  classesCsvHref: string;
};

const pct = (v: number) => `${Math.round(v)} %`;
const NO_OVERLAYS: readonly (Overlay | undefined)[] = [];

/** The Vitals health charts for the cluster or one node, with per-node overlays and idle/silent bands. */
export function HealthCharts({
  subject,
  data,
  overlays = NO_OVERLAYS,
  isLoading,
  error,
  time,
  csvHref,
  classesCsvHref,
}: Props) {
  // Memoised on the query data, so re-renders of the page (URL, live indicator) leave the charts alone.
  const rows = useMemo(() => (data ? healthRows(data, overlays) : []), [data, overlays]);
  const step = data?.range.step ?? time.resolved.step;
  const from = data?.range.from ?? time.resolved.from;
  const to = data?.range.to ?? time.resolved.to;
  const domain = useMemo<[number, number]>(() => [from, to], [from, to]);
  const bands = useMemo(() => (data ? healthBands(data.points, step) : []), [data, step]);
  const empty = !!data && data.points.every((p) => p.state === "silent");
  const main = subject === "Cluster" ? "cluster" : subject;
  const charts = useMemo(() => chartSpecs(main, overlays, classesCsvHref), [main, overlays, classesCsvHref]);

  return (
    <div className="grid grid-cols-1 gap-4 xl:grid-cols-2 min-[1920px]:grid-cols-3">
      {charts.map((c) => (
        <ChartFrame
          key={c.title}
          title={c.title}
          description={c.desc}
          isLoading={isLoading}
          error={error}
          isEmpty={empty}
          actions={<DownloadLink href={c.csv ?? csvHref} label={`Download ${c.title} as CSV`} />}
        >
          {() => (
            <TimeSeriesChart
              label={`${c.title}, ${subject}`}
              data={rows}
              series={c.series}
              domain={domain}
              step={step}
              tz={time.tz}
              yFormat={c.format}
              bands={bands}
              onZoom={time.setAbsolute}
            />
          )}
        </ChartFrame>
      ))}
    </div>
  );
}

type ChartSpec = {
  title: string;
  desc: string;
  series: SeriesSpec[];
  format: (v: number) => string;
  csv?: string;
};

function chartSpecs(
  main: string,
  overlays: readonly (Overlay | undefined)[],
  classesCsvHref: string,
): ChartSpec[] {
  return [
    {
      title: "Requests per second",
      desc: "All proxied requests, including those Kong answered itself",
      series: [
        { key: "rps", label: main, color: "var(--chart-1)", width: 2 },
        ...overlaySeries(overlays, "rps"),
      ],
      format: formatRate,
    },
    {
      title: "Status code classes",
      desc: "Requests per bucket by class",
      series: classSeries,
      format: formatCount,
      csv: classesCsvHref,
    },
    {
      title: "Proxy latency",
      desc: "Time Kong spends on a request (latencies.kong), ms",
      series: [...latencySeries("p"), ...overlaySeries(overlays, "pAvg", " avg")],
      format: formatMs,
    },
    {
      title: "Upstream latency",
      desc: "Time to the upstream's first byte (latencies.proxy), ms",
      series: [...latencySeries("u"), ...overlaySeries(overlays, "uAvg", " avg")],
      format: formatMs,
    },
    {
      title: "Datastore cache hits and misses",
      desc: "L2 cache lookups per bucket",
      series: [
        { key: "hits", label: "hits", color: "var(--chart-3)", type: "area", stackId: "cache" },
        { key: "misses", label: "misses", color: "var(--chart-4)", type: "area", stackId: "cache" },
      ],
      format: formatCount,
    },
    {
      title: "Cache hit ratio",
      desc: "hits / (hits + misses); undefined (a gap) when there were no lookups",
      series: [
        { key: "ratio", label: main, color: "var(--chart-1)", width: 2 },
        ...overlaySeries(overlays, "ratio"),
      ],
      format: pct,
    },
  ];
}
