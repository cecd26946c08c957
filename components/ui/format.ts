import type { TimeZoneMode } from "@/lib/search-params";

const INT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const DEC = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const COMPACT = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export const EMPTY = "—";

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? EMPTY : INT.format(n);
}

export function formatCompact(n: number | null | undefined): string {
  return n === null || n === undefined ? EMPTY : COMPACT.format(n);
}

export function formatRate(n: number | null | undefined): string {
  return n === null || n === undefined ? EMPTY : DEC.format(n);
}

/** A ratio in [0, 1] as a percentage; null (0/0) stays undefined, never 0 %. */
export function formatPercent(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined) return EMPTY;
  return `${(ratio * 100).toFixed(digits)} %`;
}

export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? EMPTY : `${INT.format(ms)} ms`;
}

function parts(sec: number, tz: TimeZoneMode) {
  const d = new Date(sec * 1000);
  const utc = tz === "utc";
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    y: utc ? d.getUTCFullYear() : d.getFullYear(),
    mo: pad((utc ? d.getUTCMonth() : d.getMonth()) + 1),
    d: pad(utc ? d.getUTCDate() : d.getDate()),
    h: pad(utc ? d.getUTCHours() : d.getHours()),
    mi: pad(utc ? d.getUTCMinutes() : d.getMinutes()),
    s: pad(utc ? d.getUTCSeconds() : d.getSeconds()),
  };
}

/** Axis tick: seconds for 1 s data, minutes for 1 min, day + hour for 1 h data. */
export function formatTick(sec: number, step: number, tz: TimeZoneMode): string {
  const p = parts(sec, tz);
  if (step >= 3600) return `${p.mo}-${p.d} ${p.h}:00`;
  if (step >= 60) return `${p.h}:${p.mi}`;
  return `${p.h}:${p.mi}:${p.s}`;
}

export function formatDateTime(sec: number | null | undefined, tz: TimeZoneMode): string {
  if (sec === null || sec === undefined) return EMPTY;
  const p = parts(sec, tz);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}${tz === "utc" ? " UTC" : ""}`;
}

/** `<input type="datetime-local">` value for a unix time, and back, in the chosen zone. */
export function toDateTimeInput(sec: number, tz: TimeZoneMode): string {
  const p = parts(sec, tz);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}`;
}

export function fromDateTimeInput(value: string, tz: TimeZoneMode): number | null {
  if (!value) return null;
  const ms = tz === "utc" ? Date.parse(`${value}:00Z`) : new Date(value).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}
