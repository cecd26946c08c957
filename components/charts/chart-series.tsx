import { Area, Bar, Line } from "recharts";
import type { SeriesSpec } from "./chart-legend";
import type { ChartPoint } from "./chart-utils";

/**
 * Indexes of values with no neighbour on either side: a line cannot draw them (nulls are gaps), so they get
 * a dot. Skipped on long series, where a single bucket is narrower than a pixel anyway.
 */
function isolatedPoints(data: ChartPoint[], key: string): Set<number> {
  const out = new Set<number>();
  if (data.length > 900) return out;
  const has = (i: number) => data[i]?.[key] !== null && data[i]?.[key] !== undefined;
  for (let i = 0; i < data.length; i++) if (has(i) && !has(i - 1) && !has(i + 1)) out.add(i);
  return out;
}

/** One recharts element per series; returned as elements (not components) so the chart finds them. */
export function renderSeries(s: SeriesSpec, data: ChartPoint[]) {
  const common = { dataKey: s.key, name: s.label, isAnimationActive: false };
  // Counts per bucket read best as bars; past ~720 buckets a bar is under a pixel, so a stepped area
  // draws the same shape with far fewer SVG elements.
  if (s.type === "bar" || (s.type === "area" && data.length <= 720))
    return <Bar key={s.key} {...common} stackId={s.stackId} fill={s.color} fillOpacity={0.85} />;
  if (s.type === "area")
    return (
      <Area
        key={s.key}
        {...common}
        // counts per bucket: steps show each bucket's value without inventing slopes between buckets
        type="stepAfter"
        stackId={s.stackId}
        // A stacked area's outline runs along the top of its layer even where the layer is 0, so the last
        // series' colour would edge the whole stack (an all-200 node looked like it served 5xx): fill only.
        stroke={s.stackId ? "none" : s.color}
        fill={s.color}
        fillOpacity={s.stackId ? 0.8 : 0.55}
        connectNulls={false}
      />
    );
  const isolated = isolatedPoints(data, s.key);
  return (
    <Line
      key={s.key}
      {...common}
      type="linear"
      stroke={s.color}
      strokeWidth={s.width ?? 1.75}
      strokeDasharray={s.dashed ? "4 3" : undefined}
      dot={
        isolated.size === 0
          ? false
          : ({ cx, cy, index }: { cx?: number; cy?: number; index?: number }) =>
              index !== undefined && isolated.has(index) && cx !== undefined && cy !== undefined ? (
                <circle key={index} cx={cx} cy={cy} r={1.75} fill={s.color} />
              ) : (
                <g key={index} />
              )
      }
      connectNulls={false}
    />
  );
}
