"use client";

import { ChartFrame } from "@/components/charts/chart-frame";
import { type ChartPoint, codeColor } from "@/components/charts/chart-utils";
import { type SeriesSpec, TimeSeriesChart } from "@/components/charts/time-series-chart";
import { DownloadLink } from "@/components/ui/download-link";
import { formatCount } from "@/components/ui/format";
import type { StatusCodeSeries } from "./types";
import type { TimeRangeState } from "./use-time-range";

/** Requests per exact status code over time, stacked; each code a shade of its class colour. */
export function StatusCodeChart({
  subject,
  data,
  isLoading,
  error,
  time,
  csvHref,
}: {
  subject: string;
  data: StatusCodeSeries | undefined;
  isLoading: boolean;
  error: { message: string } | null;
  time: TimeRangeState;
  csvHref: string;
}) {
  const codes = Object.keys(data?.totals ?? {}).sort();
  const rankInClass = new Map<string, number>();
  const series: SeriesSpec[] = codes.map((code) => {
    const cls = code.slice(0, 1);
    const rank = rankInClass.get(cls) ?? 0;
    rankInClass.set(cls, rank + 1);
    return {
      key: `c${code}`,
      label: code,
      color: codeColor(Number(code), rank),
      type: "area",
      stackId: "codes",
    };
  });
  // Code counters are never null: a bucket without a code counted 0 of it.
  const rows: ChartPoint[] = (data?.points ?? []).map((p) => {
    const row: ChartPoint = { t: p.ts };
    for (const code of codes) row[`c${code}`] = p.codes[code] ?? 0;
    return row;
  });
  const step = data?.range.step ?? time.resolved.step;
  const domain: [number, number] = data
    ? [data.range.from, data.range.to]
    : [time.resolved.from, time.resolved.to];
  return (
    <ChartFrame
      title="Status codes"
      description={
        data && data.range.step !== time.resolved.step
          ? "Exact codes, per minute (codes have no 1 s rollup)"
          : "Exact codes"
      }
      isLoading={isLoading}
      error={error}
      isEmpty={!!data && codes.length === 0}
      actions={<DownloadLink href={csvHref} label="Download status codes as CSV" />}
    >
      {() => (
        <TimeSeriesChart
          label={`Status codes over time, ${subject}`}
          data={rows}
          series={series}
          domain={domain}
          step={step}
          tz={time.tz}
          yFormat={formatCount}
          onZoom={time.setAbsolute}
        />
      )}
    </ChartFrame>
  );
}
