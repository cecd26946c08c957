import { ValidationError } from "@/server/errors";
import type { Windows } from "@/server/services/rollups/maintenance";
import {
  type EncodedInsert,
  encodeCodeTables,
  type WriteOptions,
} from "@/server/services/rollups/write-rollups";
import {
  aggregateBatch,
  type CodeRow,
  type CodeTables,
  concatTables,
  type EntityRow,
  emptyTables,
  type HealthRow,
} from "./aggregate";
import { catalogEntities, type EntityCatalog } from "./discover-entities";
import { scanNativeBatch } from "./scan-native";
import type { IngestBatch, IngestNode, NodeStatsSample } from "./types";
import { validateKongEntries, validateNativeBatch } from "./validate";

/**
 * Everything about a batch that can be worked out before touching the database: parse, validate, aggregate,
 * apply the retention windows, list its entities and encode the big minute-table inserts. It is pure CPU, so
 * the HTTP path runs it on a worker thread (prepare-pool.ts) and keeps the main thread for I/O; the result
 * is plain data that crosses threads cheaply (a few strings per table instead of ~20k row objects).
 */

/** How a request body is read: a native batch, or Kong http-log entries for a node named outside the body. */
export type ParseSpec =
  | { format: "native" }
  | { format: "kong"; node: { id: string | null; hostname: string | null; version: string | null } };

export type PrepareParams = { windows: Windows; write: WriteOptions };

export type PreparedBatch = {
  batchId: string | null;
  node: IngestNode;
  stats: NodeStatsSample[];
  eventCount: number;
  catalog: EntityCatalog;
  seconds: HealthRow[];
  minutes: HealthRow[];
  hours: HealthRow[];
  /** start of every hour (unix s) holding minute-grain code/entity rows of the batch */
  minuteHours: number[];
  /** buckets of rows older than the minute window: they go to the hour tables */
  oldBuckets: number[];
  /** events outside a table's window, per table (skipped for that table only) */
  skipped: Record<string, number>;
  /**
   * The minute-grain code and entity inserts, ready to run when none of `minuteHours` is folded yet (the
   * common case); null when the batch has rows older than the minute window.
   */
  minuteInserts: EncodedInsert[] | null;
  /** The code/entity rows themselves; prepare-pool drops them before crossing threads (rebuilt on demand). */
  tables?: SplitTables;
};

export type SplitTables = {
  /** minute-grain rows by hour start (whether that hour is folded decides their table) */
  byHour: Map<number, CodeTables>;
  /** minute rows older than the minute window: written at hour grain directly */
  old: CodeTables;
};

/**
 * A request body as a validated batch; a ValidationError names every bad field. Native bodies in the form
 * gateways send take the one-pass reader (scan-native.ts); anything else, and every 400, is JSON.parse +
 * validation.
 */
export function parseIngestBody(bytes: Uint8Array, spec: ParseSpec): IngestBatch {
  if (spec.format === "native") {
    const batch = scanNativeBatch(bytes);
    if (batch) return batch;
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch (err) {
    throw new ValidationError(`invalid JSON: ${(err as Error).message}`, [
      { path: "(body)", message: "invalid JSON" },
    ]);
  }
  return spec.format === "native" ? validateNativeBatch(body) : validateKongEntries(body, spec.node);
}

const FAMILIES: [keyof CodeTables, string][] = [
  ["codesNode", "codes_node"],
  ["codesUnmatched", "codes_unmatched"],
  ["codesRoute", "codes_route"],
  ["codesApi", "codes_api"],
  ["codesConsumerRoute", "codes_consumer_route"],
  ["entityTraffic", "entity_traffic"],
  ["codesCluster", "codes_cluster"],
];

/** Aggregates a validated batch and applies each table's window: rows outside are skipped for that table only (scale-notes §3.3). */
export function prepareBatch(batch: IngestBatch, { windows: w, write }: PrepareParams): PreparedBatch {
  const agg = aggregateBatch(batch);
  const skipped: Record<string, number> = {};
  const skip = (table: string, n: number) => {
    if (n > 0) skipped[table] = (skipped[table] ?? 0) + n;
  };
  // A bucket is kept when it starts inside the window; its end may reach past `from`, so compare starts.
  const health = (rows: HealthRow[], from: number, table: string) =>
    rows.filter((r) => {
      const ok = r.bucket >= from && r.bucket <= w.until;
      if (!ok) skip(table, r.requests + r.samples);
      return ok;
    });
  const tables: SplitTables = { byHour: new Map(), old: emptyTables() };
  const oldBuckets: number[] = [];
  for (const [key, table] of FAMILIES) {
    for (const row of agg.minutes[key] as (CodeRow | EntityRow)[]) {
      const n = "count" in row ? row.count : row.requests;
      if (row.bucket > w.until || row.bucket < w.hoursFrom - 3599) {
        skip(`${table}_minutes`, n);
        skip(`${table}_hours`, n);
        continue;
      }
      let target: CodeTables;
      if (row.bucket < w.minutesFrom - 59) {
        skip(`${table}_minutes`, n);
        target = tables.old;
        oldBuckets.push(row.bucket);
      } else {
        const hour = row.bucket - (row.bucket % 3600);
        let t = tables.byHour.get(hour);
        if (!t) {
          t = emptyTables();
          tables.byHour.set(hour, t);
        }
        target = t;
      }
      (target[key] as (CodeRow | EntityRow)[]).push(row);
    }
  }
  const minuteHours = [...tables.byHour.keys()].sort((a, b) => a - b);
  return {
    batchId: batch.batchId,
    node: batch.node,
    stats: batch.stats,
    eventCount: batch.events.length,
    catalog: catalogEntities(batch),
    seconds: health(agg.healthSeconds, w.secondsFrom, "health_seconds"),
    minutes: health(agg.healthMinutes, w.minutesFrom - 59, "health_minutes"),
    hours: health(agg.healthHours, w.hoursFrom - 3599, "health_hours"),
    minuteHours,
    oldBuckets,
    skipped,
    minuteInserts:
      oldBuckets.length === 0
        ? encodeCodeTables(
            "minutes",
            concatTables(minuteHours.map((h) => tables.byHour.get(h) as CodeTables)),
            write,
          )
        : null,
    tables,
  };
}

/**
 * What ingestPrepared needs besides the prepared batch: the batch as observers see it, and the code/entity
 * rows for the late-data path (an hour folded meanwhile).
 */
export type BatchSource = { observed: IngestBatch; tables(): SplitTables };

/** A batch validated on this thread: everything is at hand. */
export function localSource(batch: IngestBatch, prepared: PreparedBatch): BatchSource {
  return { observed: batch, tables: () => prepared.tables as SplitTables };
}

/**
 * A body prepared on a worker thread, which kept the events and rows to itself: both are rebuilt here from
 * the same bytes, by one parse, and only if an observer reads `events` or the batch reaches a folded hour.
 */
export function bodySource(
  bytes: Uint8Array,
  spec: ParseSpec,
  params: PrepareParams,
  prepared: PreparedBatch,
): BatchSource {
  let batch: IngestBatch | undefined;
  const parsed = () => {
    batch ??= parseIngestBody(bytes, spec);
    return batch;
  };
  return {
    observed: {
      batchId: prepared.batchId,
      node: prepared.node,
      stats: prepared.stats,
      eventCount: prepared.eventCount,
      get events() {
        return parsed().events;
      },
    },
    tables: () => prepared.tables ?? (prepareBatch(parsed(), params).tables as SplitTables),
  };
}
