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
  groupOf,
  localSource,
  type PreparedBatch,
  type PreparedGroup,
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
 * PGlite reads uuids and integers from binary arrays three times faster than from text (write-rollups.ts);
 * postgres.js sends text only. One statement per table either way: PGlite runs on its own thread
 * (db/pglite-thread.ts), so a long statement no longer holds HTTP, and on Postgres one statement is fastest
 * (a fixed ~4 ms per statement round trip, ingest-limits B=1k vs 20k).
 */
const PGLITE_WRITE: WriteOptions = { binaryArrays: true };
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

/** Ingests one validated batch in process (tRPC, tests); HTTP bodies take the ingest queue (ingest-queue.ts). */
export function ingestBatch(db: Db, batch: IngestBatch, options: IngestOptions = {}): Promise<IngestResult> {
  const params = prepareParams(db, options);
  const prepared = prepareBatch(batch, params);
  return ingestPrepared(db, prepared, localSource(batch, prepared, params), options);
}

/** Writes one prepared batch: a group of one (ingestGroup). */
export async function ingestPrepared(
  db: Db,
  prepared: PreparedBatch,
  source: BatchSource,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const [result] = await ingestGroup(db, groupOf(prepared), [source], options);
  return result;
}

/**
 * Thrown inside a group's transaction when only its members one by one can settle what it met: a batch_id
 * claimed before (that member alone must count nothing), or an hour folded meanwhile (each member's rows
 * must be split between minute and hour tables). The transaction rolls back and each member is written alone.
 */
class SplitGroup extends Error {}

const resultOf = (m: PreparedBatch): IngestResult => ({
  batchId: m.batchId,
  accepted: true,
  events: m.eventCount,
  stats: m.stats.length,
  skipped: m.skipped,
});

/**
 * Writes a prepared group (one batch, or several merged by the ingest queue) atomically and exactly once:
 * 1. make sure the partitions exist (outside the transaction, cached);
 * 2. in ONE transaction: claim every batch_id in ingest_batches (a repeat → accepted:false and nothing
 *    counted for a group of one; a group splits into its members, see SplitGroup); register unseen entities;
 *    take shared fold locks on the group's hours; write every rollup table in the fixed order with sorted
 *    rows; run each observer's `inTransaction` once with every member's `observed`;
 * 3. commit, then each observer's `afterCommit` per member.
 * The minute code/entity tables take the prepared inserts unless one of the hours was folded meanwhile
 * (late data): then a group of one takes its rows from the source's `tables()`, split between minute and
 * hour tables. Deadlocks, serialization failures and lock timeouts are retried with jittered backoff (the
 * batch_id claims make the retry safe).
 */
export async function ingestGroup(
  db: Db,
  group: PreparedGroup,
  sources: readonly BatchSource[],
  options: IngestOptions = {},
): Promise<IngestResult[]> {
  const nowMs = options.now ?? Date.now();
  const writeOptions = writeOptionsFor(db);
  const { members, minuteHours, oldBuckets } = group;
  const single = members.length === 1;
  const seconds = members.flatMap((m) => m.seconds.map((r) => r.bucket));
  const minutes = members.flatMap((m) => m.minutes.map((r) => r.bucket));
  const hourBuckets = [...minuteHours, ...oldBuckets];
  const partitions: [string, number[]][] = [
    ["health_seconds", seconds],
    ["health_minutes", minutes],
    ["health_cluster_seconds", seconds],
    ["health_cluster_minutes", minutes],
    ["health_hours", members.flatMap((m) => m.hours.map((r) => r.bucket))],
    ...[...Object.keys(CODE_TABLE_KEYS), "entity_traffic"].flatMap((family): [string, number[]][] => [
      [`${family}_minutes`, minuteHours],
      [`${family}_hours`, hourBuckets],
    ]),
  ];
  const ensureBatchPartitions = async () => {
    for (const [table, buckets] of partitions) await ensurePartitions(db, table, buckets);
  };
  // Sorted, so two groups claiming a common id wait on each other in one order (R6).
  const claims = members
    .filter((m) => m.batchId !== null)
    .map((m) => ({ id: m.batchId as string, events: m.eventCount }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const catalogs = members.map((m) => m.catalog);
  const observers = options.observers ?? [];
  const results = members.map(resultOf);

  for (let attempt = 1; ; attempt++) {
    await ensureBatchPartitions();
    const discovery = collectUnseen(db, catalogs);
    try {
      const accepted = await db.transaction(async (pgTx) => {
        const tx = asDb(pgTx, db);
        if (claims.length > 0) {
          const claimed = await queryRows(
            tx,
            sql`INSERT INTO ingest_batches (received_at, batch_id, events)
                SELECT to_timestamp(${nowMs / 1000}), u.id, u.events
                FROM unnest(${sql.param(claims.map((c) => c.id))}::text[],
                            ${sql.param(claims.map((c) => c.events))}::int4[]) AS u(id, events)
                ON CONFLICT (batch_id) DO NOTHING RETURNING 1`,
          );
          if (claimed.length < claims.length) {
            if (single) return false;
            throw new SplitGroup("a batch_id of the group was claimed before");
          }
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
          if (folded.size > 0 && !single) throw new SplitGroup("an hour of the group was folded meanwhile");
        }

        for (const grain of ["seconds", "minutes", "hours"] as const) {
          const rows = members.map((m) => ({ node: m.node.id, rows: m[grain] }));
          await writeHealth(tx, `health_${grain}`, rows);
        }
        if (group.minuteInserts && folded.size === 0) {
          await writeEncoded(tx, group.minuteInserts);
        } else {
          const split = sources[0].tables();
          const minuteParts: CodeTables[] = [];
          const hourParts: CodeTables[] = [split.old];
          for (const [hour, t] of split.byHour) (folded.has(hour) ? hourParts : minuteParts).push(t);
          await writeCodeTables(tx, "minutes", concatTables(minuteParts), writeOptions);
          await writeCodeTables(tx, "hours", foldCodeTables(concatTables(hourParts), 3600), writeOptions);
        }
        // Last of the rollups, so their row locks last only until commit; spread over CLUSTER_SHARDS rows per
        // bucket so concurrent ingesters of different nodes rarely wait on the same row.
        for (const grain of ["seconds", "minutes"] as const) {
          const rows = members.map((m) => ({ node: clusterShard(m.node.id), rows: m[grain] }));
          await writeHealth(tx, `health_cluster_${grain}`, rows);
        }

        const batches = sources.map((source) => source.observed);
        for (const o of observers) if (o.inTransaction) await o.inTransaction(tx, batches);
        return true;
      });
      if (!accepted) {
        forgetUnseen(db, discovery);
        results[0].accepted = false;
        return results;
      }
      break;
    } catch (err) {
      forgetUnseen(db, discovery);
      if (err instanceof SplitGroup) {
        const alone: IngestResult[] = [];
        // A merged group's members carry no inserts of their own: each takes its rows from its source.
        for (let i = 0; i < members.length; i++)
          alone.push(await ingestPrepared(db, members[i], sources[i], options));
        return alone;
      }
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
  for (const source of sources)
    for (const o of observers) {
      try {
        o.afterCommit?.(source.observed);
      } catch (err) {
        console.error(`[gatewatch] ingest observer ${o.name} afterCommit failed:`, err);
      }
    }
  return results;
}
