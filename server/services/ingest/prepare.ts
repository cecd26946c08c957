import { ValidationError } from "@/server/errors";
import type { Windows } from "@/server/services/rollups/maintenance";
import {
  type EncodedInsert,
  encodeCodeTables,
  type WriteOptions,
} from "@/server/services/rollups/write-rollups";
import {
  aggregateBatch,
  aggregateBatches,
  type BatchHealth,
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
  /** start of every hour (unix s) holding minute-grain code/entity rows of the batch (of a merged group) */
  minuteHours: number[];
  /** buckets of rows older than the minute window: they go to the hour tables */
  oldBuckets: number[];
  /** events outside a table's window, per table (skipped for that table only) */
  skipped: Record<string, number>;
  /**
   * The minute-grain code and entity inserts, ready to run when none of `minuteHours` is folded yet (the
   * common case); null when the batch has rows older than the minute window, and in a merged group (whose
   * inserts hold every member's rows).
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

/** A batch's own part of a prepared batch: its header and its health rows, within their windows. */
function batchPart(
  batch: IngestBatch,
  health: BatchHealth,
  w: Windows,
  skip: (table: string, n: number) => void,
): Pick<
  PreparedBatch,
  "batchId" | "node" | "stats" | "eventCount" | "catalog" | "seconds" | "minutes" | "hours"
> {
  // A bucket is kept when it starts inside the window; its end may reach past `from`, so compare starts.
  const within = (rows: HealthRow[], from: number, table: string) =>
    rows.filter((r) => {
      const ok = r.bucket >= from && r.bucket <= w.until;
      if (!ok) skip(table, r.requests + r.samples);
      return ok;
    });
  return {
    batchId: batch.batchId,
    node: batch.node,
    stats: batch.stats,
    eventCount: batch.events.length,
    catalog: catalogEntities(batch),
    seconds: within(health.healthSeconds, w.secondsFrom, "health_seconds"),
    minutes: within(health.healthMinutes, w.minutesFrom - 59, "health_minutes"),
    hours: within(health.healthHours, w.hoursFrom - 3599, "health_hours"),
  };
}

function skipCounter(): [Record<string, number>, (table: string, n: number) => void] {
  const skipped: Record<string, number> = {};
  return [
    skipped,
    (table, n) => {
      if (n > 0) skipped[table] = (skipped[table] ?? 0) + n;
    },
  ];
}

/** Aggregates a validated batch and applies each table's window: rows outside are skipped for that table only (scale-notes §3.3). */
export function prepareBatch(batch: IngestBatch, { windows: w, write }: PrepareParams): PreparedBatch {
  const agg = aggregateBatch(batch);
  const [skipped, skip] = skipCounter();
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
    ...batchPart(batch, agg, w, skip),
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
 * Batches written in one transaction (a group commit, ingest-queue.ts): each member keeps its own header and
 * health rows, while their code and entity rows are merged into one set of minute-table inserts. A single
 * batch is a group of one whose inserts are its own.
 */
export type PreparedGroup = {
  members: PreparedBatch[];
  /** every hour holding minute rows of any member */
  minuteHours: number[];
  /** buckets of rows older than the minute window (a group of one only) */
  oldBuckets: number[];
  minuteInserts: EncodedInsert[] | null;
};

export function groupOf(prepared: PreparedBatch): PreparedGroup {
  return {
    members: [prepared],
    minuteHours: prepared.minuteHours,
    oldBuckets: prepared.oldBuckets,
    minuteInserts: prepared.minuteInserts,
  };
}

/**
 * Whether every event of the batch falls in a minute the minute tables keep: then none of its code rows is
 * skipped or bound for the hour tables, and they can merge with other batches' rows.
 */
function fitsMinuteWindow(batch: IngestBatch, w: Windows): boolean {
  for (const e of batch.events) {
    const minute = Math.floor(e.startedAt / 60_000) * 60; // the row's bucket, as prepareBatch tests it
    if (minute < w.minutesFrom - 59 || minute > w.until) return false;
  }
  return true;
}

/** A prepared group and the indexes, among the batches or bodies given, of its members in order. */
export type IndexedGroup = { indexes: number[]; group: PreparedGroup };

/**
 * Prepares batches to be written together. Those whose events all lie in the minute window are aggregated
 * in one pass (aggregateBatches), equal keys merged across them; any other batch (late data, bound partly
 * for the hour tables or skipped) makes a group of its own.
 */
export function prepareGroups(batches: readonly IngestBatch[], params: PrepareParams): IndexedGroup[] {
  const w = params.windows;
  const merging: number[] = [];
  const groups: IndexedGroup[] = [];
  batches.forEach((b, i) => {
    if (fitsMinuteWindow(b, w)) merging.push(i);
    else groups.push({ indexes: [i], group: groupOf(prepareBatch(b, params)) });
  });
  if (merging.length === 1)
    groups.unshift({ indexes: merging, group: groupOf(prepareBatch(batches[merging[0]], params)) });
  if (merging.length < 2) return groups;

  const agg = aggregateBatches(merging.map((i) => batches[i]));
  const hours = new Set<number>();
  for (const [key] of FAMILIES)
    for (const row of agg.minutes[key] as (CodeRow | EntityRow)[])
      hours.add(row.bucket - (row.bucket % 3600));
  const minuteHours = [...hours].sort((a, b) => a - b);
  const members = merging.map((index, i): PreparedBatch => {
    const [skipped, skip] = skipCounter();
    return {
      ...batchPart(batches[index], agg.health[i], w, skip),
      minuteHours,
      oldBuckets: [],
      skipped,
      minuteInserts: null,
    };
  });
  const minuteInserts = encodeCodeTables("minutes", agg.minutes, params.write);
  groups.unshift({ indexes: merging, group: { members, minuteHours, oldBuckets: [], minuteInserts } });
  return groups;
}

/** Request bodies prepared together: each one's failure (null when it parsed), and the groups of the rest. */
export type PreparedBodies = { failures: (unknown | null)[]; groups: IndexedGroup[] };

/**
 * Parses every body (a bad one fails alone, with the ValidationError naming its fields) and prepares the
 * rest as groups (prepareGroups); group indexes point into `bodies`.
 */
export function prepareBodies(
  bodies: readonly { bytes: Uint8Array; spec: ParseSpec }[],
  params: PrepareParams,
): PreparedBodies {
  const failures: (unknown | null)[] = [];
  const batches: IngestBatch[] = [];
  const bodyIndex: number[] = [];
  bodies.forEach(({ bytes, spec }, i) => {
    try {
      batches.push(parseIngestBody(bytes, spec));
      bodyIndex.push(i);
      failures.push(null);
    } catch (err) {
      failures.push(err);
    }
  });
  const groups = prepareGroups(batches, params).map(({ indexes, group }) => ({
    indexes: indexes.map((i) => bodyIndex[i]),
    group,
  }));
  return { failures, groups };
}

/**
 * What ingestPrepared needs besides the prepared batch: the batch as observers see it, and the code/entity
 * rows for the late-data path (an hour folded meanwhile).
 */
export type BatchSource = { observed: IngestBatch; tables(): SplitTables };

/** A batch validated on this thread: everything is at hand (a member of a merged group rebuilds its rows). */
export function localSource(batch: IngestBatch, prepared: PreparedBatch, params: PrepareParams): BatchSource {
  return {
    observed: batch,
    tables: () => prepared.tables ?? (prepareBatch(batch, params).tables as SplitTables),
  };
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
