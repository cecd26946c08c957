import { type SQL, sql } from "drizzle-orm";
import { binaryArray, isBinaryElement } from "@/db/binary-array";
import type { Db } from "@/db/client";
import { execWithParams, pgliteOf } from "@/db/pglite-protocol";
import {
  type CodeRow,
  type CodeTables,
  type EntityRow,
  emptyHealth,
  type HealthRow,
  Interner,
  mergeHealth,
} from "@/server/services/ingest/aggregate";

/**
 * Rollup writes: one `INSERT … SELECT FROM unnest($n::type[])` per table (unnest is 1.77× faster than
 * multi-row VALUES and has no 65,534-parameter cap, ingest-limits rec. 1), every measure additive, so rows
 * from any node, instance or retry merge commutatively.
 *
 * Deadlock freedom (scale-notes §3.1, R6): rows of each upsert are sorted by the conflict key, and every
 * ingest transaction writes tables in one fixed order (ingestBatch: health seconds, minutes, hours, then
 * `writeCodeTables`). Measured there: 4 writers unsorted 249 deadlock retries, sorted 0.
 *
 * Not used: `synchronous_commit = off`. It would be safe here (the reply still follows the local commit;
 * a crash could lose the last ~0.6 s of acknowledged batches), but ingest is CPU-bound, not commit-bound
 * (one commit per 20k events), so it buys nothing measurable and would weaken "acknowledged = durable".
 *
 * Append-only minute tables (every codes_*_minutes, entity_traffic_minutes, codes_consumer_route_hours):
 * plain INSERT … SELECT unnest of the batch's partial aggregates, no unique index, no ON CONFLICT, no sort.
 * The hour's fold compacts them to one row per key (maintenance.ts foldHour), so storage stays bounded.
 * Measured per 20k-event batch (PG 15, same run, machine under heavy shared load, mean of 8 batches):
 *   codes_route_minutes   3.1k rows: upsert 215–303 ms, append  84–132 ms  (×2.3–2.6)
 *   entity_traffic_minutes 4.2k rows: upsert 605–946 ms, append 264–371 ms (×2.3–2.6; the upsert pays the
 *     histogram merge on every conflict, since 30 consecutive 2 s batches share each minute's keys)
 *   codes_consumer_route_minutes 13.5k rows: append 445–676 ms; COPY FROM STDIN of the same rows 445 ms
 *     (no gain, so unnest stays: one code path for PGlite and Postgres).
 * Hours are folded in the background instead of written per batch, which halves the rows per batch
 * (the consumer×route table has as many hour rows as minute rows within a 2 s batch).
 */

export type WriteOptions = {
  /**
   * Encode integer, uuid and text columns in PostgreSQL's binary array format (db/binary-array.ts) rather than
   * as text literals: for PGlite, whose WASM reads them from text three times slower than the insert itself.
   * postgres.js sends text parameters only, so its inserts keep literals.
   */
  binaryArrays?: boolean;
};

type Column = { name: string; type: string; values: unknown[] };

/**
 * A rollup INSERT as plain data: every column already one array parameter, a Postgres array literal or (with
 * WriteOptions.binaryArrays) its binary form. It is built wherever the rows are (an ingest worker thread, see
 * prepare-pool.ts) and crosses threads as a few strings or byte arrays instead of thousands of row objects;
 * `writeEncoded` runs it as one `INSERT … SELECT FROM unnest($n::type[])`.
 */
export type EncodedInsert = {
  table: string;
  rows: number;
  columns: { name: string; type: string; param: string | Uint8Array }[];
  select: string[];
  /**
   * The insert's distinct uuids as one `uuid[]` parameter, or null: key columns then carry 1-based int4
   * positions into it and the select list reads `dict.d[u.cN]`. A 20k-event batch names
   * ~14k consumer×route rows but only a few thousand consumers, routes and services. Measured on PostgreSQL
   * 15, 13.7k consumer×route rows: 50–53 ms with three uuid[] columns, 30–43 ms with positions and the
   * dictionary (PostgreSQL parses each uuid once instead of once per row, and a third of the bytes cross
   * the socket).
   */
  dictionary: string | Uint8Array | null;
  /** conflict target, or null for the append-only tables */
  conflict: string | null;
  updates: string[];
};

/** Postgres array literal of a histogram without its trailing zero buckets; null when empty. */
function histLiteral(h: readonly number[] | null): string | null {
  if (!h) return null;
  let end = h.length;
  while (end > 0 && h[end - 1] === 0) end--;
  if (end === 0) return null;
  return `{${h.slice(0, end).join(",")}}`;
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/**
 * One-dimensional array literal. Elements are numbers, uuids, enum words or histogram literals: only the
 * latter need quotes (they contain commas and braces), and `"`/`\` are escaped for any quoted text.
 */
export function arrayLiteral(values: readonly unknown[], quote = false): string {
  if (!quote && !values.some((v) => v === null || v === undefined)) return `{${values.join(",")}}`;
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ",";
    if (v === null || v === undefined) out += "NULL";
    else if (quote) out += `"${String(v).replace(/[\\"]/g, "\\$&")}"`;
    else out += v;
  }
  return `${out}}`;
}

/**
 * A column's values as one array parameter of `type`[] (see WriteOptions.binaryArrays); `quote` as for
 * arrayLiteral (binary elements need no quoting).
 */
function arrayParam(
  type: string,
  values: readonly unknown[],
  options: WriteOptions,
  quote = false,
): string | Uint8Array {
  return options.binaryArrays && isBinaryElement(type)
    ? binaryArray(type, values)
    : arrayLiteral(values, quote);
}

/** `column(name, type, pick)`: the column of `rows` that `pick` reads, as an EncodedInsert column. */
function columnsOf<R>(rows: readonly R[], options: WriteOptions) {
  return (name: string, type: string, pick: (r: R) => unknown, quote = false) => ({
    name,
    type,
    param: arrayParam(type, rows.map(pick), options, quote),
  });
}

function unnestInsert(
  table: string,
  columns: Column[],
  selectList: string[],
  conflict: string | null,
  updates: string[],
): SQL {
  const names = columns.map((_, i) => `c${i}`);
  const columnList = columns.map((c) => c.name).join(", ");
  const parts: SQL[] = [sql.raw(`INSERT INTO ${table} AS t (${columnList}) SELECT ${selectList.join(", ")}`)];
  parts.push(sql.raw(" FROM unnest("));
  columns.forEach((c, i) => {
    if (i > 0) parts.push(sql.raw(", "));
    parts.push(sql`${sql.param(c.values)}`, sql.raw(`::${c.type}[]`));
  });
  parts.push(sql.raw(`) AS u(${names.join(", ")})`));
  if (conflict) parts.push(sql.raw(` ON CONFLICT (${conflict}) DO UPDATE SET ${updates.join(", ")}`));
  return sql.join(parts, sql.raw(""));
}

/**
 * An encoded insert as one statement: `head`, the dictionary's subquery when there is one, `unnest(`, each
 * column's array as a parameter with its cast (`casts[i]`), then `tail`. Drizzle SQL for postgres.js
 * (insertSql) and plain text for PGlite's fast path (insertText) are both made from it.
 */
function insertShape(e: EncodedInsert): { head: string; casts: string[]; tail: string } {
  const conflict = e.conflict ? ` ON CONFLICT (${e.conflict}) DO UPDATE SET ${e.updates.join(", ")}` : "";
  return {
    head: `INSERT INTO ${e.table} AS t (${e.columns.map((c) => c.name).join(", ")}) SELECT ${e.select.join(", ")} FROM `,
    casts: e.columns.map((c) => `::${c.type}[]`),
    tail: `) AS u(${e.columns.map((_, i) => `c${i}`).join(", ")})${conflict}`,
  };
}

const DICTIONARY_OPEN = "(SELECT ";
const DICTIONARY_CLOSE = "::uuid[] AS d) AS dict, ";

/** The statement for an encoded insert of text literals, for drivers that send text parameters only. */
function insertSql(e: EncodedInsert): SQL {
  const { head, casts, tail } = insertShape(e);
  const text = (param: string | Uint8Array) => {
    if (typeof param !== "string") throw new Error(`${e.table}: binary arrays are for PGlite only`);
    return sql`${sql.param(param)}`;
  };
  const parts: SQL[] = [sql.raw(head)];
  if (e.dictionary !== null)
    parts.push(sql.raw(DICTIONARY_OPEN), text(e.dictionary), sql.raw(DICTIONARY_CLOSE));
  parts.push(sql.raw("unnest("));
  e.columns.forEach((c, i) => {
    if (i > 0) parts.push(sql.raw(", "));
    parts.push(text(c.param), sql.raw(casts[i]));
  });
  parts.push(sql.raw(tail));
  return sql.join(parts, sql.raw(""));
}

/**
 * The same statement as text with `$n` placeholders: the dictionary is $1 when there is one, then the
 * columns' arrays in order (paramsOf).
 */
function insertText(e: EncodedInsert): string {
  const { head, casts, tail } = insertShape(e);
  const first = e.dictionary === null ? 1 : 2;
  const dictionary = e.dictionary === null ? "" : `${DICTIONARY_OPEN}$1${DICTIONARY_CLOSE}`;
  return `${head}${dictionary}unnest(${casts.map((cast, i) => `$${i + first}${cast}`).join(", ")}${tail}`;
}

/** An encoded insert's parameters in insertText's order. */
function paramsOf(e: EncodedInsert): (string | Uint8Array)[] {
  const params = e.columns.map((c) => c.param);
  return e.dictionary === null ? params : [e.dictionary, ...params];
}

/**
 * Runs encoded inserts in order, inside the ingest transaction. On PGlite each goes as a ready-made protocol
 * message (db/pglite-protocol.ts).
 */
export async function writeEncoded(tx: Db, inserts: readonly EncodedInsert[]): Promise<void> {
  const lite = pgliteOf(tx);
  for (const e of inserts) {
    if (lite) await execWithParams(lite, insertText(e), paramsOf(e));
    else await tx.execute(insertSql(e));
  }
}

/** Gauge columns of the health tables: the newest sample wins (gaugeUpdate), not a sum. */
export const GAUGES = [
  "conn_active",
  "conn_reading",
  "conn_writing",
  "conn_waiting",
  "conn_accepted",
  "conn_handled",
  "conn_total",
  "datastore_reachable",
];

/** Last writer by gauges_at wins; a tie takes the greater value, which commutes (aggregate.ts pickGauge). */
const gaugeUpdate = (c: string) =>
  `${c} = CASE WHEN EXCLUDED.gauges_at IS NULL THEN t.${c} ` +
  `WHEN t.gauges_at IS NULL OR EXCLUDED.gauges_at > t.gauges_at THEN EXCLUDED.${c} ` +
  `WHEN EXCLUDED.gauges_at < t.gauges_at THEN t.${c} ELSE GREATEST(t.${c}, EXCLUDED.${c}) END`;

/** Additive measures of the health tables (every node, batch and retry adds). */
export const HEALTH_SUMS = [
  "requests",
  "cache_hits",
  "cache_misses",
  "samples",
  "plat_sum",
  "plat_count",
  "ulat_sum",
  "ulat_count",
  "rlat_sum",
  "rlat_count",
  "bytes_in",
  "bytes_out",
  "status_1xx",
  "status_2xx",
  "status_3xx",
  "status_4xx",
  "status_5xx",
  "status_other",
];

const HEALTH_UPDATES = [
  ...HEALTH_SUMS.map((c) => `${c} = t.${c} + EXCLUDED.${c}`),
  "plat_min = LEAST(t.plat_min, EXCLUDED.plat_min)",
  "plat_max = GREATEST(t.plat_max, EXCLUDED.plat_max)",
  "ulat_min = LEAST(t.ulat_min, EXCLUDED.ulat_min)",
  "ulat_max = GREATEST(t.ulat_max, EXCLUDED.ulat_max)",
  "plat_hist = gw_hist_add(t.plat_hist, EXCLUDED.plat_hist)",
  "ulat_hist = gw_hist_add(t.ulat_hist, EXCLUDED.ulat_hist)",
  // gauges first read t.gauges_at before it is replaced: SET expressions all see the old row.
  ...GAUGES.map(gaugeUpdate),
  "gauges_at = GREATEST(t.gauges_at, EXCLUDED.gauges_at)",
  // The row's stored percentiles no longer hold; maintenance computes them again (fillQuantiles).
  "quantiles = NULL",
];

export type HealthTable =
  | "health_seconds"
  | "health_minutes"
  | "health_hours"
  | "health_cluster_seconds"
  | "health_cluster_minutes";

/** Health rows of one node (or one cluster shard: its sentinel id), as writeHealth takes them. */
export type NodeHealth = { node: string; rows: readonly HealthRow[] };

/**
 * Upserts health rows of any number of nodes in one statement. Rows of equal (bucket, node), as two batches
 * of one node in a group commit give, are merged first (an upsert may not touch a row twice), into new
 * rows: the callers' rows stay as they were. Sorted by the conflict key (R6).
 */
export async function writeHealth(tx: Db, table: HealthTable, parts: readonly NodeHealth[]): Promise<void> {
  const merged = new Map<string, { node: string; row: HealthRow }>();
  for (const { node, rows } of parts)
    for (const r of rows) {
      const key = `${r.bucket}|${node}`;
      let m = merged.get(key);
      if (!m) {
        m = { node, row: emptyHealth(r.bucket) };
        merged.set(key, m);
      }
      mergeHealth(m.row, r);
    }
  if (merged.size === 0) return;
  const rows = [...merged.values()].sort(
    (a, b) => a.row.bucket - b.row.bucket || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0),
  );
  const col = (name: string, type: string, pick: (r: HealthRow) => unknown): Column => ({
    name,
    type,
    values: rows.map((c) => pick(c.row)),
  });
  const columns: Column[] = [
    col("bucket_ts", "int8", (r) => r.bucket),
    { name: "node_id", type: "uuid", values: rows.map((c) => c.node) },
    col("requests", "int8", (r) => r.requests),
    col("cache_hits", "int8", (r) => r.cacheHits),
    col("cache_misses", "int8", (r) => r.cacheMisses),
    col("samples", "int8", (r) => r.samples),
    col("plat_min", "int4", (r) => finite(r.platMin)),
    col("plat_max", "int4", (r) => finite(r.platMax)),
    col("plat_sum", "int8", (r) => r.platSum),
    col("plat_count", "int8", (r) => r.platCount),
    col("plat_hist", "text", (r) => histLiteral(r.platHist)),
    col("ulat_min", "int4", (r) => finite(r.ulatMin)),
    col("ulat_max", "int4", (r) => finite(r.ulatMax)),
    col("ulat_sum", "int8", (r) => r.ulatSum),
    col("ulat_count", "int8", (r) => r.ulatCount),
    col("ulat_hist", "text", (r) => histLiteral(r.ulatHist)),
    col("rlat_sum", "int8", (r) => r.rlatSum),
    col("rlat_count", "int8", (r) => r.rlatCount),
    col("bytes_in", "int8", (r) => r.bytesIn),
    col("bytes_out", "int8", (r) => r.bytesOut),
    col("status_1xx", "int8", (r) => r.classes[0]),
    col("status_2xx", "int8", (r) => r.classes[1]),
    col("status_3xx", "int8", (r) => r.classes[2]),
    col("status_4xx", "int8", (r) => r.classes[3]),
    col("status_5xx", "int8", (r) => r.classes[4]),
    col("status_other", "int8", (r) => r.classes[5]),
    col("gauges_at", "int8", (r) => r.gaugesAt),
    ...GAUGES.slice(0, 7).map((g, i) => col(g, "int8", (r) => r.conn?.[i] ?? null)),
    col("datastore_reachable", "int2", (r) => r.reachable),
  ];
  const select = columns.map((c, i) => {
    if (c.name === "bucket_ts" || c.name === "gauges_at") return `to_timestamp(u.c${i})`;
    if (c.type === "text") return `u.c${i}::bigint[]`;
    return `u.c${i}`;
  });
  await tx.execute(unnestInsert(table, columns, select, "bucket_ts, node_id", HEALTH_UPDATES));
}

/**
 * Keys of each code table, in conflict-key order after bucket_ts; k1..k3 of CodeRow map onto them. The
 * cluster table has none: one row per (bucket, code). In the order every transaction writes them (R6).
 */
export const CODE_TABLE_KEYS = {
  codes_node: ["node_id"],
  codes_unmatched: ["node_id"],
  codes_route: ["route_id", "service_id"],
  codes_api: ["api_id"],
  codes_consumer_route: ["consumer_id", "route_id", "service_id"],
  codes_cluster: [],
} as const;
export type CodeFamily = keyof typeof CODE_TABLE_KEYS;
export type Grain = "minutes" | "hours";

function compareCodes(a: CodeRow, b: CodeRow): number {
  return (
    a.bucket - b.bucket ||
    (a.k1 < b.k1 ? -1 : a.k1 > b.k1 ? 1 : 0) ||
    (a.k2 < b.k2 ? -1 : a.k2 > b.k2 ? 1 : 0) ||
    (a.k3 < b.k3 ? -1 : a.k3 > b.k3 ? 1 : 0) ||
    a.status - b.status
  );
}

/** The insert for one code table's rows (sorted first when they upsert, R6); null without rows. */
export function encodeCodes(
  family: CodeFamily,
  grain: Grain,
  rows: CodeRow[],
  options: WriteOptions = {},
): EncodedInsert | null {
  if (rows.length === 0) return null;
  const keys = CODE_TABLE_KEYS[family];
  const append = grain === "minutes" || family === "codes_consumer_route";
  // Append-only rows take no row locks, so their order does not matter; upserts must be sorted (R6).
  if (!append) rows.sort(compareCodes);
  const picks: ((r: CodeRow) => string)[] = [(r) => r.k1, (r) => r.k2, (r) => r.k3];
  const column = columnsOf(rows, options);
  const dict = new Interner();
  const columns = [
    column("bucket_ts", "int8", (r) => r.bucket),
    ...keys.map((k, i) => column(k, "int4", (r) => dict.of(picks[i](r)) + 1)), // arrays start at 1
    column("status_code", "int2", (r) => r.status),
    column("count", "int8", (r) => r.count),
  ];
  return {
    table: `${family}_${grain}`,
    rows: rows.length,
    columns,
    select: [
      "to_timestamp(u.c0)",
      ...keys.map((_, i) => `dict.d[u.c${i + 1}]`),
      `u.c${keys.length + 1}`,
      `u.c${keys.length + 2}`,
    ],
    dictionary: keys.length > 0 ? arrayParam("uuid", dict.values, options) : null,
    conflict: append ? null : ["bucket_ts", ...keys, "status_code"].join(", "),
    updates: ["count = t.count + EXCLUDED.count"],
  };
}

/** Additive measures of entity_traffic_{minutes,tens,hours}. */
export const ENTITY_SUMS = [
  "requests",
  "status_4xx",
  "status_5xx",
  "plat_sum",
  "plat_count",
  "ulat_sum",
  "ulat_count",
  "rlat_sum",
  "rlat_count",
  "bytes_in",
  "bytes_out",
];

/** Entity rows summed over a group: ENTITY_SUMS, then the histogram (the fold and the compaction). */
export const ENTITY_AGGREGATES = [...ENTITY_SUMS.map((c) => `sum(${c})`), "gw_hist_sum(rlat_hist)"];

/** One entity row merged into another: the SET of every entity upsert (ingest, the fold, the tens). */
export const ENTITY_MERGE = [
  ...ENTITY_SUMS.map((c) => `${c} = t.${c} + EXCLUDED.${c}`),
  "rlat_hist = gw_hist_add(t.rlat_hist, EXCLUDED.rlat_hist)",
];

export function encodeEntityTraffic(
  grain: Grain,
  rows: EntityRow[],
  options: WriteOptions = {},
): EncodedInsert | null {
  if (rows.length === 0) return null;
  const append = grain === "minutes";
  if (!append)
    rows.sort(
      (a, b) =>
        a.bucket - b.bucket ||
        (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0) ||
        (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0),
    );
  const col = columnsOf(rows, options);
  const dict = new Interner();
  const columns = [
    col("bucket_ts", "int8", (r) => r.bucket),
    col("entity_id", "int4", (r) => dict.of(r.entityId) + 1), // arrays start at 1
    col("kind", "text", (r) => r.kind),
    col("requests", "int8", (r) => r.requests),
    col("status_4xx", "int8", (r) => r.status4xx),
    col("status_5xx", "int8", (r) => r.status5xx),
    col("plat_sum", "int8", (r) => r.platSum),
    col("plat_count", "int8", (r) => r.platCount),
    col("ulat_sum", "int8", (r) => r.ulatSum),
    col("ulat_count", "int8", (r) => r.ulatCount),
    col("rlat_sum", "int8", (r) => r.rlatSum),
    col("rlat_count", "int8", (r) => r.rlatCount),
    col("rlat_hist", "text", (r) => histLiteral(r.rlatHist), true),
    col("bytes_in", "int8", (r) => r.bytesIn),
    col("bytes_out", "int8", (r) => r.bytesOut),
  ];
  return {
    table: `entity_traffic_${grain}`,
    rows: rows.length,
    columns,
    select: columns.map((c, i) => {
      if (c.name === "bucket_ts") return "to_timestamp(u.c0)";
      if (c.name === "entity_id") return `dict.d[u.c${i}]`;
      return c.name === "rlat_hist" ? `u.c${i}::bigint[]` : `u.c${i}`;
    }),
    dictionary: arrayParam("uuid", dict.values, options),
    conflict: append ? null : "bucket_ts, entity_id, kind",
    updates: ENTITY_MERGE,
  };
}

/**
 * The fixed table order of every ingest transaction (R6): health (seconds, minutes, hours), then the minute
 * code and entity tables, then the same families at hour grain (late events of folded hours). The cluster
 * codes come last of each grain: at hour grain every node's late events upsert the same few rows, so their
 * locks are held for the shortest time.
 */
export function encodeCodeTables(grain: Grain, t: CodeTables, options: WriteOptions = {}): EncodedInsert[] {
  return [
    encodeCodes("codes_node", grain, t.codesNode, options),
    encodeCodes("codes_unmatched", grain, t.codesUnmatched, options),
    encodeCodes("codes_route", grain, t.codesRoute, options),
    encodeCodes("codes_api", grain, t.codesApi, options),
    encodeCodes("codes_consumer_route", grain, t.codesConsumerRoute, options),
    encodeEntityTraffic(grain, t.entityTraffic, options),
    encodeCodes("codes_cluster", grain, t.codesCluster, options),
  ].filter((e): e is EncodedInsert => e !== null);
}

export async function writeCodeTables(
  tx: Db,
  grain: Grain,
  t: CodeTables,
  options: WriteOptions = {},
): Promise<void> {
  await writeEncoded(tx, encodeCodeTables(grain, t, options));
}
