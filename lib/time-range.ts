import { z } from "zod";

/**
 * Time ranges: the URL carries a preset (`1h`) or an absolute range; the server picks the rollup, rounds
 * to whole buckets and fills gaps (STYLE habit 6). Isomorphic: used by URL parsers, forms and procedures.
 */
export const RANGE_PRESETS = {
  "5m": { seconds: 5 * 60, interval: "seconds", label: "Last 5 minutes" },
  "15m": { seconds: 15 * 60, interval: "seconds", label: "Last 15 minutes" },
  "1h": { seconds: 60 * 60, interval: "seconds", label: "Last hour" },
  "6h": { seconds: 6 * 3600, interval: "minutes", label: "Last 6 hours" },
  "12h": { seconds: 12 * 3600, interval: "minutes", label: "Last 12 hours" },
  "24h": { seconds: 24 * 3600, interval: "minutes", label: "Last 24 hours" },
  "7d": { seconds: 7 * 86400, interval: "hours", label: "Last 7 days" },
} as const;

export type RangePreset = keyof typeof RANGE_PRESETS;
export const RANGE_PRESET_KEYS = Object.keys(RANGE_PRESETS) as RangePreset[];
export type Interval = "seconds" | "minutes" | "hours";
export const INTERVAL_WIDTH: Record<Interval, number> = { seconds: 1, minutes: 60, hours: 3600 };

/** Default retention per rollup, in seconds (DESIGN §3); the server may be configured otherwise. */
export const DEFAULT_RETENTION: Record<Interval, number> = {
  seconds: 3600,
  minutes: 25 * 3600,
  hours: 30 * 86400,
};

export const rangeInput = z.union([
  z.object({ preset: z.enum(RANGE_PRESET_KEYS as [RangePreset, ...RangePreset[]]) }),
  z
    .object({ from: z.number().int().nonnegative(), to: z.number().int().positive() })
    .refine((r) => r.to > r.from, { message: "to must be after from", path: ["to"] }),
]);
export type RangeInput = z.infer<typeof rangeInput>;

export type ResolvedRange = {
  /** unix seconds, inclusive start of the first bucket */
  from: number;
  /** unix seconds, exclusive end of the last bucket */
  to: number;
  interval: Interval;
  /** bucket width in seconds */
  step: number;
  /** relative ranges follow "now" and refresh live; absolute ones do not */
  live: boolean;
};

/** Picks the finest rollup that still holds the whole range and keeps the point count reasonable. */
export function intervalFor(from: number, to: number, nowSec: number): Interval {
  const duration = to - from;
  if (duration <= 3600 && from >= nowSec - DEFAULT_RETENTION.seconds) return "seconds";
  if (duration <= 25 * 3600 && from >= nowSec - DEFAULT_RETENTION.minutes) return "minutes";
  return "hours";
}

export function resolveRange(input: RangeInput, nowMs: number = Date.now()): ResolvedRange {
  const nowSec = Math.floor(nowMs / 1000);
  if ("preset" in input) {
    const preset = RANGE_PRESETS[input.preset];
    const step = INTERVAL_WIDTH[preset.interval];
    // The current, still-filling bucket is included so live views show the newest data.
    const to = Math.floor(nowSec / step) * step + step;
    return { from: to - preset.seconds, to, interval: preset.interval, step, live: true };
  }
  const interval = intervalFor(input.from, input.to, nowSec);
  const step = INTERVAL_WIDTH[interval];
  const from = Math.floor(input.from / step) * step;
  const to = Math.ceil(input.to / step) * step;
  return { from, to, interval, step, live: false };
}

/** The range of equal length just before `range` (period-over-period comparison, ←). */
export function previousRange(range: ResolvedRange): ResolvedRange {
  const length = range.to - range.from;
  return { ...range, from: range.from - length, to: range.to - length, live: false };
}

/** Unix-second bucket starts from `from` (inclusive) to `to` (exclusive). */
export function bucketStarts(range: Pick<ResolvedRange, "from" | "to" | "step">): number[] {
  const out: number[] = [];
  for (let t = range.from; t < range.to; t += range.step) out.push(t);
  return out;
}
