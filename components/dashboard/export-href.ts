import type { TimeZoneMode } from "@/lib/search-params";
import type { RangeInput } from "@/lib/time-range";

/** Query string for a range exactly as the view shows it (preset, or absolute from/to in unix seconds). */
export function rangeQuery(range: RangeInput): Record<string, string> {
  return "preset" in range ? { range: range.preset } : { from: String(range.from), to: String(range.to) };
}

/** A CSV download URL under /api/export/… for the same range, node and entity as the view. */
export function exportHref(
  what: string,
  range: RangeInput,
  extra: Record<string, string | string[] | undefined> = {},
  tz?: TimeZoneMode,
): string {
  const q = new URLSearchParams(rangeQuery(range));
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, item);
  }
  if (tz === "utc") q.set("tz", "utc");
  return `/api/export/${what}?${q.toString()}`;
}
