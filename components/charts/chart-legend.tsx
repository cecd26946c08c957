import type { Band } from "./chart-utils";

export type SeriesSpec = {
  key: string;
  label: string;
  /** a CSS colour, usually a theme variable */
  color: string;
  type?: "line" | "area" | "bar";
  stackId?: string;
  dashed?: boolean;
  width?: number;
};

/**
 * An HTML legend (readable, wraps on narrow screens); it names the idle and silent shadings whenever the
 * chart shows them, so the difference between the two is explained where it is drawn.
 */
export function ChartLegend({ series, bands }: { series: SeriesSpec[]; bands: Band[] }) {
  const hasIdle = bands.some((b) => b.kind === "idle");
  const hasSilent = bands.some((b) => b.kind === "silent");
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted">
      {series.map((s) => (
        <li key={s.key} className="flex items-center gap-1.5">
          <span
            aria-hidden
            className="inline-block h-0.5 w-3.5"
            style={
              s.type === "bar" || s.type === "area"
                ? { background: s.color, height: 8, width: 8, borderRadius: 2 }
                : { borderTop: `2px ${s.dashed ? "dashed" : "solid"} ${s.color}` }
            }
          />
          {s.label}
        </li>
      ))}
      {hasIdle ? (
        <li className="flex items-center gap-1.5">
          <span
            aria-hidden
            className="inline-block h-2.5 w-3.5 rounded-sm border border-border"
            style={{ background: "var(--idle)" }}
          />
          idle (no requests)
        </li>
      ) : null}
      {hasSilent ? (
        <li className="flex items-center gap-1.5">
          <span
            aria-hidden
            className="inline-block h-2.5 w-3.5 rounded-sm"
            style={{ background: "var(--silent)" }}
          />
          node silent (no data)
        </li>
      ) : null}
    </ul>
  );
}
