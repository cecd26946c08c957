import { type SQL, sql } from "drizzle-orm";
import { HEALTH_SUMS } from "../write-rollups";
import type { HealthAgg, HealthGroup, Quantiles, VitalsMeasures } from "./health";
import type { BucketState, OverlayPoint } from "./types";

/*
 * Stored health rows read as they are, for series whose groups hold one stored row (a node's bucket: the
 * (bucket_ts, node_id) key of health_*) or a few (≤ 8 cluster shard rows per bucket, usually 1 once
 * maintenance compacted them): no GROUP BY and no histogram merge in SQL. Each row crosses the wire as one
 * text column (healthRowText): through postgres.js, an hour of every node's seconds (71k rows) took ~300 ms
 * as 22 columns and ~75 ms as one text (with both histograms ~430 ms against ~170 ms; bench/queries.ts
 * database, PostgreSQL 15).
 */

/** NULL while a row has no latency sample; sent as empty fields. */
const LATENCY_BOUNDS = ["plat_min", "plat_max", "ulat_min", "ulat_max"];

export const ALL_MEASURES: readonly string[] = [
  // ingest's sums but request latency's, which no chart shows
  ...HEALTH_SUMS.filter((c) => !c.startsWith("rlat_")),
  ...LATENCY_BOUNDS,
];

/** The measures behind Kong's nine Vitals values (vitals/health.ts). */
export const VITALS_MEASURES = [
  "requests",
  "cache_hits",
  "cache_misses",
  "plat_min",
  "plat_max",
  "plat_sum",
  "plat_count",
  "ulat_min",
  "ulat_max",
  "ulat_sum",
  "ulat_count",
] as const;

/** What an overlay line needs (OverlayPoint): 7 numbers a row instead of 22 and the quantiles. */
export const OVERLAY_MEASURES = [
  "requests",
  "cache_hits",
  "cache_misses",
  "plat_sum",
  "plat_count",
  "ulat_sum",
  "ulat_count",
] as const;

const NULLABLE = new Set<string>(LATENCY_BOUNDS);

/**
 * What a row carries for its percentiles: nothing; its stored `quantiles` when maintenance filled them and its
 * histograms otherwise; or always its histograms (to merge it with other rows of its group).
 */
export type RowLatency = "none" | "stored" | "histograms";

const HISTOGRAMS_TEXT =
  "'|' || coalesce(array_to_string(plat_hist, ','), '') || '|' || coalesce(array_to_string(ulat_hist, ','), '')";

/**
 * The row as text: "ts,measures…" then "|plat cells|ulat cells" or "|q" and the six stored quantiles.
 * date_part (float8) rather than extract (numeric since PG 14): the numeric epoch cost ~7 ms per 71k rows.
 * NULL min/max become empty fields (concat_ws would drop them and shift the rest). Formatting the histogram
 * cells is most of the server's time for a series (an hour of one node's seconds: 14 ms with them, 5.4 ms
 * without), so a row whose quantiles are stored sends those six numbers instead.
 */
export function healthRowText(measures: readonly string[], latency: RowLatency): SQL {
  const fields = [
    "date_part('epoch', bucket_ts)::int8",
    ...measures.map((c) => (NULLABLE.has(c) ? `coalesce(${c}::text, '')` : c)),
  ];
  const tail =
    latency === "none"
      ? ""
      : latency === "histograms"
        ? ` || ${HISTOGRAMS_TEXT}`
        : ` || CASE WHEN quantiles IS NULL THEN ${HISTOGRAMS_TEXT} ELSE '|q' || array_to_string(quantiles, ',', '') END`;
  return sql.raw(`concat_ws(',', ${fields.join(", ")})${tail}`);
}

const COMMA = 44;
const BAR = 124;
const MINUS = 45;
const Q = 113;

/** Where the next section of the row being parsed starts; parsing is synchronous, one row at a time. */
let cursor = 0;

/**
 * One row's scalars, NaN for an empty (NULL) field, in an array reused across rows (a fresh array of numbers
 * and nulls per row: 19 ms instead of 15 ms for /vitals/nodes' 71k rows).
 */
const fields: number[] = new Array(ALL_MEASURES.length + 2).fill(Number.NaN);
/** A field no row fills, always 0: where a measure not read stands. */
const ZERO = ALL_MEASURES.length + 1;
fields[ZERO] = 0;

/**
 * Reads the comma-separated integers of `text` from `cursor` up to the next '|' (or the end) into `out` from
 * index 0 (NaN for an empty field), moves `cursor` past them and returns how many were read.
 */
function readSection(text: string, out: number[]): number {
  let i = cursor;
  let n = 0;
  if (i < text.length && text.charCodeAt(i) !== BAR) {
    let value = 0;
    let sign = 1;
    let empty = true;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === BAR) {
        out[n++] = empty ? Number.NaN : sign * value;
        if (c === BAR) break;
        value = 0;
        sign = 1;
        empty = true;
      } else if (c === MINUS) sign = -1;
      else {
        value = value * 10 + (c - 48);
        empty = false;
      }
    }
    if (i === text.length) out[n++] = empty ? Number.NaN : sign * value;
  }
  cursor = i + 1;
  return n;
}

/** Histogram cells are never empty fields. */
function readHistogram(text: string): number[] | null {
  const cells: number[] = [];
  return readSection(text, cells) > 0 ? cells : null;
}

type RowLatencyFields = { platHist: number[] | null; ulatHist: number[] | null; quantiles: Quantiles | null };
const NO_LATENCY: RowLatencyFields = { platHist: null, ulatHist: null, quantiles: null };

/** Parses the scalars into `fields` and returns what follows them: the histograms or the stored quantiles. */
function parseRow(text: string, latency: RowLatency): RowLatencyFields {
  cursor = 0;
  readSection(text, fields);
  if (latency === "none" || cursor >= text.length) return NO_LATENCY;
  if (text.charCodeAt(cursor) === Q) {
    cursor++;
    const centi: number[] = [];
    readSection(text, centi);
    return {
      platHist: null,
      ulatHist: null,
      quantiles: centi.map((v) => (Number.isNaN(v) ? null : v / 100)),
    };
  }
  const platHist = readHistogram(text);
  return { platHist, ulatHist: readHistogram(text), quantiles: null };
}

const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Field index of each measure in a row read with `measures` (field 0 is the bucket); unread ones read 0. */
function fieldIndex(measures: readonly string[]): Record<string, number> {
  return Object.fromEntries(
    ALL_MEASURES.map((m) => [m, measures.includes(m) ? measures.indexOf(m) + 1 : ZERO]),
  );
}
const ALL_AT = fieldIndex(ALL_MEASURES);
const VITALS_AT = fieldIndex(VITALS_MEASURES);
const OVERLAY_AT = fieldIndex(OVERLAY_MEASURES);

/**
 * The row parseRow just read, its fields standing at `at`, as a group of one row. One object literal for
 * both field sets: building the group by spreading a shared part cost 18 µs a row, 5× the whole read.
 */
function groupOf(at: Record<string, number>, nodeId: string | null, latency: RowLatencyFields): HealthGroup {
  const f = fields;
  return {
    ts: f[0],
    nodeId,
    rows: 1,
    requests: f[at.requests],
    cacheHits: f[at.cache_hits],
    cacheMisses: f[at.cache_misses],
    samples: f[at.samples],
    platMin: orNull(f[at.plat_min]),
    platMax: orNull(f[at.plat_max]),
    platSum: f[at.plat_sum],
    platCount: f[at.plat_count],
    ulatMin: orNull(f[at.ulat_min]),
    ulatMax: orNull(f[at.ulat_max]),
    ulatSum: f[at.ulat_sum],
    ulatCount: f[at.ulat_count],
    bytesIn: f[at.bytes_in],
    bytesOut: f[at.bytes_out],
    s1: f[at.status_1xx],
    s2: f[at.status_2xx],
    s3: f[at.status_3xx],
    s4: f[at.status_4xx],
    s5: f[at.status_5xx],
    sOther: f[at.status_other],
    platHist: latency.platHist,
    ulatHist: latency.ulatHist,
    quantiles: latency.quantiles,
  };
}

/** One row read with ALL_MEASURES as a group of one row (histograms null unless asked for and stored). */
export function parseHealthRow(text: string, latency: RowLatency, nodeId: string | null): HealthGroup {
  return groupOf(ALL_AT, nodeId, parseRow(text, latency));
}

/**
 * One row read with VITALS_MEASURES, as just those measures. It repeats groupOf's reads of them on purpose:
 * /vitals/nodes reads 72k rows, and the full group (25 fields, 10 of them unread zeros) made the endpoint
 * 10–20 % slower (median 509/426/417 ms against 406/351/371, alternating, bench:queries database).
 */
export function parseVitalsRow(
  text: string,
  latency: RowLatency,
  nodeId: string,
): VitalsMeasures & { ts: number; nodeId: string } {
  const rest = parseRow(text, latency);
  const f = fields;
  const at = VITALS_AT;
  return {
    ts: f[0],
    nodeId,
    requests: f[at.requests],
    cacheHits: f[at.cache_hits],
    cacheMisses: f[at.cache_misses],
    platMin: orNull(f[at.plat_min]),
    platMax: orNull(f[at.plat_max]),
    platSum: f[at.plat_sum],
    platCount: f[at.plat_count],
    ulatMin: orNull(f[at.ulat_min]),
    ulatMax: orNull(f[at.ulat_max]),
    ulatSum: f[at.ulat_sum],
    ulatCount: f[at.ulat_count],
    platHist: rest.platHist,
    ulatHist: rest.ulatHist,
    quantiles: rest.quantiles,
  };
}

/** One row read with OVERLAY_MEASURES and no latency, as its bucket's overlay point (`step` s wide). */
export function parseOverlayRow(text: string, step: number): OverlayPoint {
  parseRow(text, "none");
  const f = fields;
  const requests = f[OVERLAY_AT.requests];
  const hits = f[OVERLAY_AT.cache_hits];
  return {
    ts: f[0],
    state: stateOfRow(requests),
    requests,
    rps: requests / step,
    proxyAvg: average(f[OVERLAY_AT.plat_sum], f[OVERLAY_AT.plat_count]),
    upstreamAvg: average(f[OVERLAY_AT.ulat_sum], f[OVERLAY_AT.ulat_count]),
    cacheHitRatio: ratio(hits, hits + f[OVERLAY_AT.cache_misses]),
  };
}

/*
 * The derived values of a point, shared by toHealthPoint (health.ts) and parseOverlayRow, which builds its
 * points straight from the row text.
 */

/** A bucket that has a row: live with requests, idle without (only stats samples); no row is silent. */
export function stateOfRow(requests: number): BucketState {
  return requests > 0 ? "live" : "idle";
}

/** Average latency in integer ms, null without samples (LatencyStats). */
export function average(sum: number, count: number): number | null {
  return count > 0 ? Math.round(sum / count) : null;
}

/** a / b, null when b is 0 (an undefined ratio, kong-vitals §1.2). */
export function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null || a <= b ? a : b;
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null || a >= b ? a : b;
}

/** Element-wise a + b into the longer array (arrays are stored without trailing zeros). */
function addHist(a: number[] | null, b: number[] | null): number[] | null {
  if (!a) return b;
  if (!b) return a;
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  for (let i = 0; i < short.length; i++) long[i] += short[i];
  return long;
}

/** Adds `row` into `into` as the SQL aggregate would: Σ counts, min of mins, max of maxes, Σ histograms. */
export function addHealth(into: HealthAgg, row: HealthAgg): void {
  into.rows += row.rows;
  into.requests += row.requests;
  into.cacheHits += row.cacheHits;
  into.cacheMisses += row.cacheMisses;
  into.samples += row.samples;
  into.platMin = minOf(into.platMin, row.platMin);
  into.platMax = maxOf(into.platMax, row.platMax);
  into.platSum += row.platSum;
  into.platCount += row.platCount;
  into.ulatMin = minOf(into.ulatMin, row.ulatMin);
  into.ulatMax = maxOf(into.ulatMax, row.ulatMax);
  into.ulatSum += row.ulatSum;
  into.ulatCount += row.ulatCount;
  into.bytesIn += row.bytesIn;
  into.bytesOut += row.bytesOut;
  into.s1 += row.s1;
  into.s2 += row.s2;
  into.s3 += row.s3;
  into.s4 += row.s4;
  into.s5 += row.s5;
  into.sOther += row.sOther;
  into.platHist = addHist(into.platHist, row.platHist);
  into.ulatHist = addHist(into.ulatHist, row.ulatHist);
  // A sum's percentiles come from its histograms (the caller reads rows with "histograms" to merge them).
  into.quantiles = null;
}
