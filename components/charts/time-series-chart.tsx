"use client";

import { memo } from "react";
import { CartesianGrid, ComposedChart, ReferenceArea, Tooltip, XAxis, YAxis } from "recharts";
import { formatDateTime, formatTick } from "@/components/ui/format";
import type { TimeZoneMode } from "@/lib/search-params";
import { ChartLegend, type SeriesSpec } from "./chart-legend";
import { renderSeries } from "./chart-series";
import { type Band, type ChartPoint, timeTicks } from "./chart-utils";
import { useDragZoom } from "./use-drag-zoom";

export type { SeriesSpec } from "./chart-legend";

type Props = {
  /** accessible name of the chart (the figure's title plus what it shows) */
  label: string;
  data: ChartPoint[];
  series: SeriesSpec[];
  /** [from, to) of the range in unix seconds, and the bucket width */
  domain: [number, number];
  step: number;
  tz: TimeZoneMode;
  yFormat?: (v: number) => string;
  bands?: Band[];
  /** drag across the chart to select a range; called with [from, to) */
  onZoom?: (from: number, to: number) => void;
  height?: number;
};

const AXIS = { fontSize: 11, fill: "var(--muted)" };

/**
 * The one recharts wrapper (STYLE habit 7): data and CSS variables in, no fetching. Nulls stay gaps
 * (`connectNulls={false}`: an idle bucket has no latency, which is not 0 ms); idle and silent buckets are
 * shaded bands of different strength.
 */
export const TimeSeriesChart = memo(function TimeSeriesChart({
  label,
  data,
  series,
  domain,
  step,
  tz,
  yFormat,
  bands = [],
  onZoom,
  height = 220,
}: Props) {
  const zoom = useDragZoom(step, onZoom);
  const tick = (v: number) => formatTick(v, step, tz);
  return (
    <div>
      <div
        role="img"
        aria-label={label}
        className="select-none"
        style={{ cursor: onZoom ? "crosshair" : undefined }}
      >
        <ComposedChart
          responsive
          style={{ width: "100%", height }}
          data={data}
          margin={{ top: 6, right: 8, bottom: 0, left: 0 }}
          {...zoom.handlers}
        >
          <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[domain[0], domain[1] - step]}
            ticks={timeTicks(domain[0], domain[1])}
            tickFormatter={tick}
            tick={AXIS}
            stroke="var(--border)"
            allowDataOverflow
          />
          <YAxis
            tick={AXIS}
            tickFormatter={yFormat}
            stroke="var(--border)"
            width={56}
            allowDecimals={false}
          />
          {bands.map((b) => (
            <ReferenceArea
              key={`${b.kind}-${b.from}`}
              x1={b.from}
              x2={b.to - step}
              ifOverflow="hidden"
              fill={b.kind === "silent" ? "var(--silent)" : "var(--idle)"}
              fillOpacity={1}
              stroke="none"
            />
          ))}
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(v) => formatDateTime(Number(v), tz)}
            formatter={(v) => (typeof v === "number" && yFormat ? yFormat(v) : String(v ?? "—"))}
            contentStyle={{
              background: "var(--surface)",
              border: "1px solid var(--border)",
              borderRadius: 6,
              fontSize: 12,
            }}
            labelStyle={{ color: "var(--foreground)", fontWeight: 600 }}
          />
          {series.map((s) => renderSeries(s, data))}
          {zoom.selection ? (
            <ReferenceArea
              {...zoom.selection}
              fill="var(--accent)"
              fillOpacity={0.15}
              stroke="var(--accent)"
            />
          ) : null}
        </ComposedChart>
      </div>
      <ChartLegend series={series} bands={bands} />
    </div>
  );
});
