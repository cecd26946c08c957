import { type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "@/db/client";
import { INTERVAL_WIDTH, type Interval, type ResolvedRange } from "@/lib/time-range";

/**
 * Which rollup table answers which query. Health rollups exist at seconds/minutes/hours; code and entity
 * rollups only at minutes/hours (ingest-limits: the code tables are the cost centre), so a seconds range
 * read from them is coarsened to minutes and the result says so in its range.
 */
export type TableFamily =
  | "health"
  | "health_cluster"
  | "codes_cluster"
  | "codes_node"
  | "codes_unmatched"
  | "codes_route"
  | "codes_api"
  | "codes_consumer_route"
  | "entity_traffic";

const FAMILY_LEVELS: Record<TableFamily, Interval[]> = {
  health: ["seconds", "minutes", "hours"],
  health_cluster: ["seconds", "minutes"],
  codes_cluster: ["minutes", "hours"],
  codes_node: ["minutes", "hours"],
  codes_unmatched: ["minutes", "hours"],
  codes_route: ["minutes", "hours"],
  codes_api: ["minutes", "hours"],
  codes_consumer_route: ["minutes", "hours"],
  entity_traffic: ["minutes", "hours"],
};

/**
 * Width of `entity_traffic_tens` buckets: ten-minute sums of the compacted entity minutes, which an entity
 * table reads for the whole ten minutes of its minute edges (read/entities.ts).
 */
export const ENTITY_TENS_S = 600;

/** Whitelisted table name: the only place a table is chosen by string. */
export function table(family: TableFamily, level: Interval): SQL {
  if (!FAMILY_LEVELS[family].includes(level)) throw new Error(`${family} has no ${level} rollup`);
  return sql.raw(`"${family}_${level}"`);
}

/** The range at a level the family has: a seconds range widens to whole minutes for the code tables. */
export function rangeFor(family: TableFamily, range: ResolvedRange): ResolvedRange {
  if (FAMILY_LEVELS[family].includes(range.interval)) return range;
  const interval = FAMILY_LEVELS[family][0];
  const step = INTERVAL_WIDTH[interval];
  if (step <= range.step) return range;
  return {
    ...range,
    interval,
    step,
    from: Math.floor(range.from / step) * step,
    to: Math.ceil(range.to / step) * step,
  };
}

export type Segment = { level: Interval; from: number; to: number };

/**
 * Code and entity hour rows are folded from minute rows once the hour has closed (rollups/maintenance.ts);
 * until then an hour exists only as minute rows. Health hours are written live with every batch.
 */
const FOLDED: ReadonlySet<TableFamily> = new Set<TableFamily>([
  "codes_cluster",
  "codes_node",
  "codes_unmatched",
  "codes_route",
  "codes_api",
  "codes_consumer_route",
  "entity_traffic",
]);

export function isFolded(family: TableFamily): boolean {
  return FOLDED.has(family);
}

/**
 * Splits [from, to) into table reads. `tiered`: the coarsest buckets that fit whole, finer ones only at the
 * ragged edges (a 24 h total reads ~24 hour rows and ≤ 118 minute rows per key instead of 1,440); used for
 * whole-range totals, never for series. Without it, one read at the range's own level. Either way an hour
 * of a folded family that is not folded yet (`foldedHours`) is read from its minute rows. Every level holds
 * the same events (ingest writes health at all levels, the fold moves codes exactly once), so the union
 * counts each request once.
 */
export function segments(
  family: TableFamily,
  range: Pick<ResolvedRange, "from" | "to" | "interval">,
  options: { tiered?: boolean; foldedHours?: ReadonlySet<number> } = {},
): Segment[] {
  const width = INTERVAL_WIDTH[range.interval];
  const available = FAMILY_LEVELS[family];
  let levels = available.filter((l) => INTERVAL_WIDTH[l] >= width);
  if (levels.length === 0) levels = [available[available.length - 1]];
  if (!options.tiered) levels = [levels[0]];
  const out: Segment[] = [];
  const place = (level: Interval, from: number, to: number) => {
    if (level !== "hours" || !FOLDED.has(family)) {
      out.push({ level, from, to });
      return;
    }
    for (let h = from; h < to; h += 3600)
      out.push({ level: options.foldedHours?.has(h) ? "hours" : "minutes", from: h, to: h + 3600 });
  };
  const split = (from: number, to: number, depth: number) => {
    if (from >= to) return;
    const level = levels[depth];
    const w = INTERVAL_WIDTH[level];
    if (depth === 0) {
      place(level, Math.floor(from / w) * w, Math.ceil(to / w) * w);
      return;
    }
    const a = Math.ceil(from / w) * w;
    const b = Math.floor(to / w) * w;
    if (a >= b) {
      split(from, to, depth - 1);
      return;
    }
    split(from, a, depth - 1);
    place(level, a, b);
    split(b, to, depth - 1);
  };
  split(range.from, range.to, levels.length - 1);
  const merged: Segment[] = [];
  for (const s of out) {
    const last = merged[merged.length - 1];
    if (last && last.level === s.level && last.to === s.from) last.to = s.to;
    else merged.push({ ...s });
  }
  return merged;
}

/** Hour starts in [from, to) already folded into the hour tables. */
export async function getFoldedHours(db: Db, from: number, to: number): Promise<Set<number>> {
  const rows = await queryRows<{ h: unknown }>(
    db,
    sql`SELECT extract(epoch from hour)::float8 AS h FROM rollup_hour_folds
        WHERE hour >= to_timestamp(${Math.floor(from / 3600) * 3600}::float8) AND hour < to_timestamp(${to}::float8)`,
  );
  return new Set(rows.map((r) => num0(r.h)));
}

/** segments() with the fold state read from the database when the plan can touch a folded family's hours. */
export async function planSegments(
  db: Db,
  family: TableFamily,
  range: Pick<ResolvedRange, "from" | "to" | "interval">,
  options: { tiered?: boolean } = {},
): Promise<Segment[]> {
  const touchesHours = range.to - range.from >= 3600 && (options.tiered || range.interval === "hours");
  const foldedHours =
    FOLDED.has(family) && touchesHours ? await getFoldedHours(db, range.from, range.to) : undefined;
  return segments(family, range, { ...options, foldedHours });
}

/** `bucket_ts` bounds as a half-open range (scale-notes R8: every read is bounded by bucket_ts). */
export function tsBetween(from: number, to: number): SQL {
  return sql`bucket_ts >= to_timestamp(${from}::float8) AND bucket_ts < to_timestamp(${to}::float8)`;
}

/** Bucket start in unix seconds, grouped to `step` (equal to the table width, or wider for Vitals `days`). */
export function bucketOf(step: number): SQL {
  return sql`(floor(extract(epoch from bucket_ts) / ${step}::float8) * ${step}::float8)::float8`;
}

/** True when every segment's buckets are exactly `step` wide: then the raw bucket_ts is the group key. */
export function sameWidth(step: number, segs: Segment[]): boolean {
  return segs.every((s) => INTERVAL_WIDTH[s.level] === step);
}

/** The bucket start in unix seconds as a select expression (raw when the rows are already `step` wide). */
export function bucketExpr(step: number, segs: Segment[]): SQL {
  return sameWidth(step, segs) ? sql`extract(epoch from bucket_ts)::float8` : bucketOf(step);
}

/** postgres.js returns int8/numeric as strings and PGlite may return bigint: normalise to number|null. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return v;
  if (typeof v === "bigint" || typeof v === "string") return Number(v);
  return Number(v);
}

export function num0(v: unknown): number {
  return num(v) ?? 0;
}
