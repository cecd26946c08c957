import { sql } from "drizzle-orm";
import { type Db, dbKind, queryRows } from "@/db/client";
import { ZERO_UUID } from "@/db/schema";
import {
  asDb,
  ensurePartitions,
  forgetPartitions,
  LOCK_NS_FOLD,
  type RetentionSeconds,
  retentionFromEnv,
  type Windows,
  windowsAt,
} from "@/server/services/rollups/maintenance";
import { type WriteOptions, writeCodeTables, writeHealth } from "@/server/services/rollups/write-rollups";
import {
  aggregateBatch,
  type CodeRow,
  type CodeTables,
  type EntityRow,
  foldCodeTables,
  type HealthRow,
} from "./aggregate";
import { collectUnseen, forgetUnseen, registerEntities } from "./discover-entities";
import type { IngestObserver } from "./observer";
import type { IngestBatch, IngestResult } from "./types";

export type IngestOptions = {
  observers?: readonly IngestObserver[];
  retention?: RetentionSeconds;
  /** unix ms; the clock that decides retention windows */
  now?: number;
};

/** SQLSTATEs worth retrying: deadlock, serialization failure, lock not available (scale-notes R7). */
const RETRYABLE = new Set(["40P01", "40001", "55P03"]);
const MAX_ATTEMPTS = 6;

/**
 * PGlite runs on the Node main thread: a 20k-row statement blocks the event loop for ~100 ms. Capping
 * statements at 2,000 rows and yielding between them keeps HTTP responsive; on Postgres one statement per
 * table is fastest (a fixed ~4 ms per statement round trip, ingest-limits B=1k vs 20k).
 */
const PGLITE_WRITE: WriteOptions = { maxRowsPerStatement: 2000 };
const POSTGRES_WRITE: WriteOptions = {};

let cachedRetention: RetentionSeconds | undefined;

function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Cluster health rows are kept as up to CLUSTER_SHARDS partial rows per bucket (node_id = a shard sentinel
 * uuid), summed by readers. One row per bucket made every concurrent batch of a minute queue on the same row
 * lock until commit (bench:ingest 68k → 43k ev/s); 8 shards keep readers at ≤ 8 rows per bucket.
 */
const CLUSTER_SHARDS = 8;
export function clusterShard(nodeId: string): string {
  const n = Number.parseInt(nodeId.slice(-2), 16) % CLUSTER_SHARDS;
  return `${ZERO_UUID.slice(0, -1)}${Number.isNaN(n) ? 0 : n}`;
}

const emptyTables = (): CodeTables => ({
  codesNode: [],
  codesUnmatched: [],
  codesRoute: [],
  codesApi: [],
  codesConsumerRoute: [],
  entityTraffic: [],
});

type Split = {
  seconds: HealthRow[];
  minutes: HealthRow[];
  hours: HealthRow[];
  /** minute-grain code/entity rows by hour start (the hour's fold decides where they go) */
  byHour: Map<number, CodeTables>;
  /** minute rows older than the minute window: written at hour grain directly */
  old: CodeTables;
  skipped: Record<string, number>;
};

/** Applies each table's window: rows outside are skipped for that table only (scale-notes §3.3). */
function splitByWindow(agg: ReturnType<typeof aggregateBatch>, w: Windows): Split {
  const skipped: Record<string, number> = {};
  const skip = (table: string, n: number) => {
    if (n > 0) skipped[table] = (skipped[table] ?? 0) + n;
  };
  const health = (rows: HealthRow[], from: number, table: string) =>
    rows.filter((r) => {
      const ok = r.bucket >= from && r.bucket <= w.until;
      if (!ok) skip(table, r.requests + r.samples);
      return ok;
    });
  // A bucket is kept when it starts inside the window; its end may reach past `from`, so compare starts.
  const split: Split = {
    seconds: health(agg.healthSeconds, w.secondsFrom, "health_seconds"),
    minutes: health(agg.healthMinutes, w.minutesFrom - 59, "health_minutes"),
    hours: health(agg.healthHours, w.hoursFrom - 3599, "health_hours"),
    byHour: new Map(),
    old: emptyTables(),
    skipped,
  };
  const families: [keyof CodeTables, string][] = [
    ["codesNode", "codes_node"],
    ["codesUnmatched", "codes_unmatched"],
    ["codesRoute", "codes_route"],
    ["codesApi", "codes_api"],
    ["codesConsumerRoute", "codes_consumer_route"],
    ["entityTraffic", "entity_traffic"],
  ];
  for (const [key, table] of families) {
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
        target = split.old;
      } else {
        const hour = row.bucket - (row.bucket % 3600);
        let t = split.byHour.get(hour);
        if (!t) {
          t = emptyTables();
          split.byHour.set(hour, t);
        }
        target = t;
      }
      (target[key] as (CodeRow | EntityRow)[]).push(row);
    }
  }
  return split;
}

function concatTables(parts: CodeTables[]): CodeTables {
  const out = emptyTables();
  for (const p of parts)
    for (const k of Object.keys(out) as (keyof CodeTables)[])
      for (const r of p[k]) (out[k] as (CodeRow | EntityRow)[]).push(r as CodeRow & EntityRow);
  return out;
}

/**
 * Ingests one validated batch, atomically and exactly once:
 * 1. aggregate in memory; make sure the partitions exist (outside the transaction, cached);
 * 2. in ONE transaction: claim batch_id in ingest_batches (a repeat → accepted:false, nothing counted);
 *    register unseen entities; take shared fold locks on the batch's hours; write every rollup table in
 *    the fixed order with sorted rows; run each observer's `inTransaction`;
 * 3. commit, then each observer's `afterCommit`.
 * Deadlocks, serialization failures and lock timeouts are retried with jittered backoff (the batch_id
 * claim makes the retry safe).
 */
export async function ingestBatch(
  db: Db,
  batch: IngestBatch,
  options: IngestOptions = {},
): Promise<IngestResult> {
  cachedRetention ??= retentionFromEnv();
  const retention = options.retention ?? cachedRetention;
  const nowMs = options.now ?? Date.now();
  const windows = windowsAt(Math.floor(nowMs / 1000), retention);
  const split = splitByWindow(aggregateBatch(batch), windows);
  const writeOptions = dbKind(db) === "pglite" ? PGLITE_WRITE : POSTGRES_WRITE;

  const minuteHours = [...split.byHour.keys()].sort((a, b) => a - b);
  const oldBuckets = [...split.old.codesNode, ...split.old.entityTraffic].map((r) => r.bucket);
  const ensureBatchPartitions = async () => {
    await ensurePartitions(
      db,
      "health_seconds",
      split.seconds.map((r) => r.bucket),
    );
    await ensurePartitions(
      db,
      "health_minutes",
      split.minutes.map((r) => r.bucket),
    );
    await ensurePartitions(
      db,
      "health_cluster_seconds",
      split.seconds.map((r) => r.bucket),
    );
    await ensurePartitions(
      db,
      "health_cluster_minutes",
      split.minutes.map((r) => r.bucket),
    );
    await ensurePartitions(
      db,
      "health_hours",
      split.hours.map((r) => r.bucket),
    );
    for (const family of [
      "codes_node",
      "codes_unmatched",
      "codes_route",
      "codes_api",
      "codes_consumer_route",
    ]) {
      await ensurePartitions(db, `${family}_minutes`, minuteHours);
      await ensurePartitions(db, `${family}_hours`, [...minuteHours, ...oldBuckets]);
    }
    await ensurePartitions(db, "entity_traffic_minutes", minuteHours);
    await ensurePartitions(db, "entity_traffic_hours", [...minuteHours, ...oldBuckets]);
  };

  const observers = options.observers ?? [];
  const result: IngestResult = {
    batchId: batch.batchId,
    accepted: true,
    events: batch.events.length,
    stats: batch.stats.length,
    skipped: split.skipped,
  };

  for (let attempt = 1; ; attempt++) {
    await ensureBatchPartitions();
    const discovery = collectUnseen(db, batch);
    try {
      const accepted = await db.transaction(async (pgTx) => {
        const tx = asDb(pgTx, db);
        if (batch.batchId !== null) {
          const claimed = await queryRows(
            tx,
            sql`INSERT INTO ingest_batches (received_at, batch_id, events)
                VALUES (to_timestamp(${nowMs / 1000}), ${batch.batchId}, ${batch.events.length})
                ON CONFLICT (batch_id) DO NOTHING RETURNING 1`,
          );
          if (claimed.length === 0) return false;
        }
        await registerEntities(tx, discovery);

        // Shared fold locks first (sorted), then read which hours are folded in a new statement, so the
        // answer reflects any fold that committed while we waited (READ COMMITTED snapshot per statement).
        let folded = new Set<number>();
        if (minuteHours.length > 0) {
          await tx.execute(
            sql`SELECT pg_advisory_xact_lock_shared(${LOCK_NS_FOLD}, h) FROM (SELECT unnest(${sql.param(
              minuteHours.map((h) => h / 3600),
            )}::int4[]) AS h ORDER BY 1) s`,
          );
          const rows = await queryRows<{ h: number | string }>(
            tx,
            sql`SELECT extract(epoch FROM hour)::int8 AS h FROM rollup_hour_folds
                WHERE hour IN (SELECT to_timestamp(h) FROM unnest(${sql.param(minuteHours)}::int8[]) AS h)`,
          );
          folded = new Set(rows.map((r) => Number(r.h)));
        }
        const minuteParts: CodeTables[] = [];
        const hourParts: CodeTables[] = [split.old];
        for (const [hour, tables] of split.byHour) (folded.has(hour) ? hourParts : minuteParts).push(tables);

        await writeHealth(tx, "health_seconds", batch.node.id, split.seconds, writeOptions);
        await writeHealth(tx, "health_minutes", batch.node.id, split.minutes, writeOptions);
        await writeHealth(tx, "health_hours", batch.node.id, split.hours, writeOptions);
        await writeCodeTables(tx, "minutes", concatTables(minuteParts), writeOptions);
        await writeCodeTables(tx, "hours", foldCodeTables(concatTables(hourParts), 3600), writeOptions);
        // Last of the rollups, so their row locks last only until commit; spread over CLUSTER_SHARDS rows per
        // bucket so concurrent ingesters of different nodes rarely wait on the same row.
        const shard = clusterShard(batch.node.id);
        await writeHealth(tx, "health_cluster_seconds", shard, split.seconds, writeOptions);
        await writeHealth(tx, "health_cluster_minutes", shard, split.minutes, writeOptions);

        for (const o of observers) if (o.inTransaction) await o.inTransaction(tx, batch);
        return true;
      });
      result.accepted = accepted;
      if (!accepted) {
        forgetUnseen(db, discovery);
        return result;
      }
      break;
    } catch (err) {
      forgetUnseen(db, discovery);
      const state = sqlState(err);
      // 23514 "no partition of relation found for row": another instance dropped a partition this process
      // still had cached; forget the cache and recreate what the batch needs.
      if (state === "23514" && attempt === 1) {
        forgetPartitions(db);
        continue;
      }
      if (!state || !RETRYABLE.has(state) || attempt >= MAX_ATTEMPTS) throw err;
      const backoff = Math.min(1000, 10 * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * backoff));
    }
  }
  for (const o of observers) {
    try {
      o.afterCommit?.(batch);
    } catch (err) {
      console.error(`[gatewatch] ingest observer ${o.name} afterCommit failed:`, err);
    }
  }
  return result;
}
