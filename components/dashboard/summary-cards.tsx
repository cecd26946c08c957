"use client";

import { DownloadLink } from "@/components/ui/download-link";
import { formatCount, formatMs, formatPercent, formatRate } from "@/components/ui/format";
import { StatePanel } from "@/components/ui/state-panel";
import type { Summary, SummaryComparison } from "./types";

type Metric = {
  key: keyof Summary;
  label: string;
  format: (v: number | null) => string;
  /** ratios change in percentage points, the rest relative */
  ratio?: boolean;
  /** which direction is good: errors and latency should fall, the cache ratio should rise */
  better?: "up" | "down";
};

const METRICS: Metric[] = [
  { key: "requests", label: "Requests", format: formatCount },
  { key: "rps", label: "Requests / s", format: formatRate },
  {
    key: "errorRate4xx",
    label: "4xx error rate",
    format: (v) => formatPercent(v),
    ratio: true,
    better: "down",
  },
  {
    key: "errorRate5xx",
    label: "5xx error rate",
    format: (v) => formatPercent(v),
    ratio: true,
    better: "down",
  },
  { key: "p95ProxyMs", label: "p95 proxy latency", format: formatMs, better: "down" },
  { key: "p95UpstreamMs", label: "p95 upstream latency", format: formatMs, better: "down" },
  {
    key: "cacheHitRatio",
    label: "Cache hit ratio",
    format: (v) => formatPercent(v, 1),
    ratio: true,
    better: "up",
  },
];

function change(m: Metric, cur: number | null, prev: number | null): { text: string; tone: string } | null {
  if (cur === null || prev === null) return null;
  if (m.ratio) {
    const pp = (cur - prev) * 100;
    return { text: `${pp >= 0 ? "+" : ""}${pp.toFixed(2)} pp`, tone: toneOf(m, pp) };
  }
  if (prev === 0) return cur === 0 ? { text: "±0 %", tone: "text-muted" } : null;
  const rel = ((cur - prev) / prev) * 100;
  return { text: `${rel >= 0 ? "+" : ""}${rel.toFixed(1)} %`, tone: toneOf(m, rel) };
}

function toneOf(m: Metric, delta: number): string {
  if (!m.better || Math.abs(delta) < 0.005) return "text-muted";
  return delta > 0 === (m.better === "up") ? "text-success" : "text-danger";
}

/** Golden-signal cards with the change against the previous period of equal length (Konnect §3.1). */
export function SummaryCards({
  data,
  isLoading,
  error,
  csvHref,
}: {
  data: SummaryComparison | undefined;
  isLoading: boolean;
  error: { message: string } | null;
  csvHref: string;
}) {
  return (
    <section aria-label="Summary" className="mb-4">
      <StatePanel isLoading={isLoading} error={error} minHeight={92}>
        <div className="mb-1 flex justify-end">
          <DownloadLink href={csvHref} label="Download summary as CSV" />
        </div>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4 2xl:grid-cols-7">
          {METRICS.map((m) => {
            const cur = data?.current[m.key] ?? null;
            const delta = change(m, cur, data?.previous[m.key] ?? null);
            return (
              <div key={m.key} className="rounded-lg border border-border bg-surface px-4 py-3">
                <dt className="text-xs font-medium text-muted">{m.label}</dt>
                <dd className="mt-1 text-2xl font-semibold tabular-nums" data-metric={m.key}>
                  {m.format(cur)}
                </dd>
                <dd className={`mt-0.5 text-xs tabular-nums ${delta?.tone ?? "text-muted"}`}>
                  {delta ? `${delta.text} vs previous period` : "no previous data"}
                </dd>
              </div>
            );
          })}
        </dl>
      </StatePanel>
    </section>
  );
}
