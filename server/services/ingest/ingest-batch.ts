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
  windowsAt,
} from "@/server/services/rollups/maintenance";
import {
  CODE_TABLE_KEYS,
  type WriteOptions,
  writeCodeTables,
  writeEncoded,
  writeHealth,
} from "@/server/services/rollups/write-rollups";
import { type CodeTables, concatTables, foldCodeTables } from "./aggregate";
import { collectUnseen, forgetUnseen, registerEntities } from "./discover-entities";
import type { IngestObserver } from "./observer";
import {
  type BatchSource,
  localSource,
  type PreparedBatch,
  type PrepareParams,
  prepareBatch,
} from "./prepare";
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
const PGLITE_WRITE: WriteOptions = { maxRowsPerStatement: 2000, binaryArrays: true };
const POSTGRES_WRITE: WriteOptions = {};
const writeOptionsFor = (db: Db): WriteOptions => (dbKind(db) === "pglite" ? PGLITE_WRITE : POSTGRES_WRITE);

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

/** The clock and write options for preparing a batch (windows depend on the configured retention). */
export function prepareParams(db: Db, options: Pick<IngestOptions, "retention" | "now"> = {}): PrepareParams {
  cachedRetention ??= retentionFromEnv();
  const nowMs = options.now ?? Date.now();
  return {
    windows: windowsAt(Math.floor(nowMs / 1000), options.retention ?? cachedRetention),
    write: writeOptionsFor(db),
  };
}

/** Ingests one validated batch in process (tRPC, tests); HTTP bodies go through a worker (prepare-pool.ts). */
export function ingestBatch(db: Db, batch: IngestBatch, options: IngestOptions = {}): Promise<IngestResult> {
  const prepared = prepareBatch(batch, prepareParams(db, options));
  return ingestPrepared(db, prepared, localSource(batch, prepared), options);
}

/**
 * Writes one prepared batch, atomically and exactly once:
 * 1. make sure the partitions exist (outside the transaction, cached);
 * 2. in ONE transaction: claim batch_id in ingest_batches (a repeat → accepted:false, nothing counted);
 *    register unseen entities; take shared fold locks on the batch's hours; write every rollup table in
 *    the fixed order with sorted rows; run each observer's `inTransaction` with the source's `observed`;
 * 3. commit, then each observer's `afterCommit`.
 * The minute code/entity tables take the prepared inserts unless one of the batch's hours was folded
 * meanwhile (late data): then the source's `tables()` supplies the rows, to be split between minute and hour tables.
 * Deadlocks, serialization failures and lock timeouts are retried with jittered backoff (the batch_id
 * claim makes the retry safe).
 */
export async function ingestPrepared(
  db: Db,
  prepared: PreparedBatch,
  { observed, tables }: BatchSource,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const nowMs = options.now ?? Date.now();
  const writeOptions = writeOptionsFor(db);
  const { minuteHours, oldBuckets } = prepared;
  const seconds = prepared.seconds.map((r) => r.bucket);
  const minutes = prepared.minutes.map((r) => r.bucket);
  const hourBuckets = [...minuteHours, ...oldBuckets];
  const partitions: [string, number[]][] = [
    ["health_seconds", seconds],
    ["health_minutes", minutes],
    ["health_cluster_seconds", seconds],
    ["health_cluster_minutes", minutes],
    ["health_hours", prepared.hours.map((r) => r.bucket)],
    ...[...Object.keys(CODE_TABLE_KEYS), "entity_traffic"].flatMap((family): [string, number[]][] => [
      [`${family}_minutes`, minuteHours],
      [`${family}_hours`, hourBuckets],
    ]),
  ];
  const ensureBatchPartitions = async () => {
    for (const [table, buckets] of partitions) await ensurePartitions(db, table, buckets);
  };

  const observers = options.observers ?? [];
  const result: IngestResult = {
    batchId: prepared.batchId,
    accepted: true,
    events: prepared.eventCount,
    stats: prepared.stats.length,
    skipped: prepared.skipped,
  };

  for (let attempt = 1; ; attempt++) {
    await ensureBatchPartitions();
    const discovery = collectUnseen(db, prepared.catalog);
    try {
      const accepted = await db.transaction(async (pgTx) => {
        const tx = asDb(pgTx, db);
        if (prepared.batchId !== null) {
          const claimed = await queryRows(
            tx,
            sql`INSERT INTO ingest_batches (received_at, batch_id, events)
                VALUES (to_timestamp(${nowMs / 1000}), ${prepared.batchId}, ${prepared.eventCount})
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

        await writeHealth(tx, "health_seconds", prepared.node.id, prepared.seconds, writeOptions);
        await writeHealth(tx, "health_minutes", prepared.node.id, prepared.minutes, writeOptions);
        await writeHealth(tx, "health_hours", prepared.node.id, prepared.hours, writeOptions);
        if (prepared.minuteInserts && folded.size === 0) {
          await writeEncoded(tx, prepared.minuteInserts);
        } else {
          const split = tables();
          const minuteParts: CodeTables[] = [];
          const hourParts: CodeTables[] = [split.old];
          for (const [hour, t] of split.byHour) (folded.has(hour) ? hourParts : minuteParts).push(t);
          await writeCodeTables(tx, "minutes", concatTables(minuteParts), writeOptions);
          await writeCodeTables(tx, "hours", foldCodeTables(concatTables(hourParts), 3600), writeOptions);
        }
        // Last of the rollups, so their row locks last only until commit; spread over CLUSTER_SHARDS rows per
        // bucket so concurrent ingesters of different nodes rarely wait on the same row.
        const shard = clusterShard(prepared.node.id);
        await writeHealth(tx, "health_cluster_seconds", shard, prepared.seconds, writeOptions);
        await writeHealth(tx, "health_cluster_minutes", shard, prepared.minutes, writeOptions);

        for (const o of observers) if (o.inTransaction) await o.inTransaction(tx, observed);
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
      o.afterCommit?.(observed);
    } catch (err) {
      console.error(`[gatewatch] ingest observer ${o.name} afterCommit failed:`, err);
    }
  }
  return result;
}
