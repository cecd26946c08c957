import type { Interval } from "@/lib/time-range";
import { ValidationError } from "@/server/errors";
import { retentionFromEnv } from "../rollups/maintenance";

/**
 * Vitals API query parameters (kong-vitals §1.5). Kong's database strategy accepts seconds|minutes|days; we
 * keep seconds/minutes/hours rollups and serve `days` by summing hour rows (UTC days), so the accepted set is
 * seconds|minutes|hours|days. Errors use Kong's `Invalid query params: …` message (§6).
 */
export const VITALS_INTERVALS = ["seconds", "minutes", "hours", "days"] as const;
export type VitalsInterval = (typeof VITALS_INTERVALS)[number];

export const VITALS_WIDTH: Record<VitalsInterval, number> = {
  seconds: 1,
  minutes: 60,
  hours: 3600,
  days: 86400,
};

/** The rollup table level each Vitals interval reads. */
export const VITALS_LEVEL: Record<VitalsInterval, Interval> = {
  seconds: "seconds",
  minutes: "minutes",
  hours: "hours",
  days: "hours",
};

/** Kept as long as the rollup it is read from (`days` from hours rows), as configured for this deployment. */
export function vitalsRetention(interval: VitalsInterval): number {
  const retention = retentionFromEnv();
  return interval === "days" ? retention.hours : retention[interval];
}

export type VitalsQuery = {
  interval: VitalsInterval;
  /** unix seconds, inclusive, aligned down to the interval */
  from: number;
  /** unix seconds, exclusive */
  to: number;
  /** opt-in extension: add p50/p95/p99 next to Kong's nine values (see vitals/health.ts) */
  percentiles: boolean;
};

function invalid(message: string): ValidationError {
  return new ValidationError(`Invalid query params: ${message}`, [{ path: "query", message }]);
}

function quoteList(values: readonly string[]): string {
  const q = values.map((v) => `'${v}'`);
  return q.length > 1 ? `${q.slice(0, -1).join(", ")} or ${q[q.length - 1]}` : q[0];
}

function unixSeconds(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw invalid(`${name} must be a number`);
  return Math.floor(n);
}

/**
 * `interval` (required), `start_ts` (default: the oldest bucket the rollup keeps, as Kong's Postgres
 * strategy returns all stored rows), `end_ts` (inclusive, default now), `percentiles=true`.
 */
export function parseVitalsQuery(
  url: URL,
  options: { allowed?: readonly VitalsInterval[]; nowMs?: number } = {},
): VitalsQuery {
  const allowed = options.allowed ?? VITALS_INTERVALS;
  const raw = url.searchParams.get("interval");
  // Kong lists the accepted values alphabetically: "interval must be 'days', 'minutes' or 'seconds'".
  const listed = quoteList([...allowed].sort());
  if (raw === null || raw === "") throw invalid(`interval must be ${listed}`);
  if (!(allowed as readonly string[]).includes(raw)) {
    const reason = raw === "seconds" ? " (status codes are rolled up per minute at the finest)" : "";
    throw invalid(`interval must be ${listed}${reason}`);
  }
  const interval = raw as VitalsInterval;
  const width = VITALS_WIDTH[interval];
  const nowSec = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const start = unixSeconds(url, "start_ts");
  const end = unixSeconds(url, "end_ts");
  if (start !== undefined && end !== undefined && end < start) throw invalid("end_ts must be after start_ts");
  const from = Math.floor((start ?? nowSec - vitalsRetention(interval)) / width) * width;
  const to = (end ?? nowSec) + 1;
  const pct = url.searchParams.get("percentiles");
  if (pct !== null && !["true", "false", "1", "0", ""].includes(pct))
    throw invalid("percentiles must be 'true' or 'false'");
  return { interval, from, to, percentiles: pct === "true" || pct === "1" || pct === "" };
}

export function invalidParam(message: string): ValidationError {
  return invalid(message);
}
