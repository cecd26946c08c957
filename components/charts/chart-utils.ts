/** Pure helpers for the chart wrapper: tick positions and idle/silent bands. */

export type ChartPoint = { t: number } & Record<string, number | null>;

export type BucketState = "live" | "idle" | "silent";

/** A run of consecutive buckets in the same non-live state, drawn as a shaded band. */
export type Band = { from: number; to: number; kind: "idle" | "silent" };

const NICE_STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** About `count` ticks on whole multiples of a readable step, inside [from, to). */
export function timeTicks(from: number, to: number, count = 6): number[] {
  const span = Math.max(1, to - from);
  const step = NICE_STEPS.find((s) => span / s <= count) ?? Math.ceil(span / count / 86400) * 86400;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t < to; t += step) ticks.push(t);
  return ticks;
}

/** Merges per-bucket states into bands; `step` closes the last bucket of each run. */
export function bandsFromStates(states: { t: number; state: BucketState }[], step: number): Band[] {
  const bands: Band[] = [];
  for (const s of states) {
    if (s.state === "live") continue;
    const last = bands[bands.length - 1];
    if (last && last.kind === s.state && last.to === s.t) last.to = s.t + step;
    else bands.push({ from: s.t, to: s.t + step, kind: s.state });
  }
  return bands;
}

/** Kong status-class colours as CSS variables (kong-vitals §3.1). */
export const CLASS_COLORS: Record<string, string> = {
  "1xx": "var(--status-1xx)",
  "2xx": "var(--status-2xx)",
  "3xx": "var(--status-3xx)",
  "4xx": "var(--status-4xx)",
  "5xx": "var(--status-5xx)",
};

const SHADES = [0, -18, 16, -32, 30, -44, 42];

/**
 * A colour per exact code: the class colour, lighter or darker by the code's rank inside its class, so
 * 401 and 404 are both orange but tell apart (Konnect gives each code a shade of its class, §3.1).
 * Codes outside 1xx–5xx are grey.
 */
export function codeColor(code: number, rank: number): string {
  const base = CLASS_COLORS[`${Math.floor(code / 100)}xx`];
  if (!base) return "var(--muted)";
  const shade = SHADES[rank % SHADES.length];
  if (shade === 0) return base;
  const mixWith = shade > 0 ? "white" : "black";
  return `color-mix(in srgb, ${base} ${100 - Math.abs(shade)}%, ${mixWith})`;
}

export const PALETTE = Array.from({ length: 8 }, (_, i) => `var(--chart-${i + 1})`);
