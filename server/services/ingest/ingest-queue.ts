import type { Db } from "@/db/client";
import { type IngestOptions, ingestGroup, prepareParams } from "./ingest-batch";
import type { IngestObserver } from "./observer";
import { bodySource, type IndexedGroup, type ParseSpec, type PrepareParams } from "./prepare";
import { prepareBodiesInPool, prepareLanes } from "./prepare-pool";
import type { IngestResult } from "./types";

/**
 * Group commit for request bodies: bodies that arrive while earlier ones are being prepared or written wait
 * here, and are then prepared together and written in one transaction, their code and entity rows merged
 * (prepareGroups). Each body still gets its own result after the commit that holds it, and its own 400.
 *
 * Why: per batch, the database work is mostly rows of the minute tables, and concurrent batches share many
 * of their keys. Measured on the bench's cluster (20k-event batches, 2 s each, PostgreSQL 15): written one
 * by one 76–87 ms of write per batch, four merged into one transaction 45 ms per batch (the consumer×route
 * rows 15 % fewer, the entity rows 65 % fewer, and one transaction's fixed costs instead of four). Small
 * batches from many nodes gain the most, as each transaction has a fixed cost (ingest-limits: ~16 ms per
 * flush): bench:ingest's 500-event batches from 32 posters run 2.7–3.0× faster than a transaction each.
 *
 * The pipeline has two stages: preparing (a worker thread, prepare-pool.ts) and writing. A new preparation
 * starts only when a lane is free and no prepared group is waiting for the writer, so bodies arriving
 * meanwhile gather into the next group instead of queueing as many small ones.
 */

/** Groups written at once per process. One keeps the other core for preparing and for PostgreSQL itself. */
const MAX_WRITES = 1;
/**
 * Caps on one group, so a burst does not make one huge transaction (and a long wait for its first body).
 * INGEST_GROUP_MAX_BODIES sets the first; 1 writes every body in a transaction of its own.
 */
const DEFAULT_GROUP_BODIES = 64;
const MAX_GROUP_BYTES = 64 * 1024 * 1024;

function groupBodiesFromEnv(): number {
  const raw = process.env.INGEST_GROUP_MAX_BODIES;
  if (raw === undefined || raw === "") return DEFAULT_GROUP_BODIES;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1) return n;
  console.warn(
    `[gatewatch] INGEST_GROUP_MAX_BODIES must be a positive integer, got ${raw}; using ${DEFAULT_GROUP_BODIES}`,
  );
  return DEFAULT_GROUP_BODIES;
}

type Entry = {
  bytes: Uint8Array;
  spec: ParseSpec;
  /** a group holds bodies of one observer list only (HTTP bodies all carry the runtime's) */
  observers: readonly IngestObserver[];
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
};

type Ready = IndexedGroup & { entries: Entry[]; params: PrepareParams };

class IngestQueue {
  private readonly waiting: Entry[] = [];
  private readonly ready: Ready[] = [];
  private preparing = 0;
  private writing = 0;
  private readonly maxBodies = groupBodiesFromEnv();
  /** bodies and groups written so far (bench and tests read it) */
  readonly stats = { bodies: 0, groups: 0 };

  constructor(private readonly db: Db) {}

  submit(bytes: Uint8Array, spec: ParseSpec, observers: readonly IngestObserver[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ bytes, spec, observers, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.writing < MAX_WRITES && this.ready.length > 0) void this.write(this.ready.shift() as Ready);
    if (this.waiting.length === 0 || this.ready.length > 0 || this.preparing >= prepareLanes()) return;
    let bytes = 0;
    let n = 0;
    const { observers } = this.waiting[0];
    while (n < this.waiting.length && n < this.maxBodies && this.waiting[n].observers === observers) {
      bytes += this.waiting[n].bytes.byteLength;
      if (n > 0 && bytes > MAX_GROUP_BYTES) break;
      n++;
    }
    void this.prepare(this.waiting.splice(0, n));
  }

  /** Prepares bodies taken from `waiting`; never throws (every failure rejects the bodies it concerns). */
  private async prepare(entries: Entry[]): Promise<void> {
    this.preparing++;
    try {
      const params = prepareParams(this.db);
      const { failures, groups } = await prepareBodiesInPool(
        entries.map((e) => ({ bytes: e.bytes, spec: e.spec })),
        params,
      );
      failures.forEach((err, i) => {
        if (err !== null) entries[i].reject(err);
      });
      for (const g of groups) this.ready.push({ ...g, entries: g.indexes.map((i) => entries[i]), params });
    } catch (err) {
      for (const e of entries) e.reject(err);
    } finally {
      this.preparing--;
      this.pump();
    }
  }

  /** Writes one prepared group; never throws (a failure rejects all its bodies: one transaction). */
  private async write({ group, entries, params }: Ready): Promise<void> {
    this.writing++;
    try {
      const sources = entries.map((e, i) => bodySource(e.bytes, e.spec, params, group.members[i]));
      const results = await ingestGroup(this.db, group, sources, { observers: entries[0].observers });
      this.stats.groups++;
      this.stats.bodies += entries.length;
      results.forEach((r, i) => {
        entries[i].resolve(r);
      });
    } catch (err) {
      for (const e of entries) e.reject(err);
    } finally {
      this.writing--;
      this.pump();
    }
  }
}

const NO_OBSERVERS: readonly IngestObserver[] = [];
const queues = new WeakMap<Db, IngestQueue>();

function queueOf(db: Db): IngestQueue {
  let q = queues.get(db);
  if (!q) {
    q = new IngestQueue(db);
    queues.set(db, q);
  }
  return q;
}

/**
 * Ingests one request body through the database's group-commit queue: resolves after the commit that holds
 * it, or rejects (a ValidationError for this body alone; a database error for its whole group).
 */
export function ingestBody(
  db: Db,
  bytes: Uint8Array,
  spec: ParseSpec,
  options: Pick<IngestOptions, "observers"> = {},
): Promise<IngestResult> {
  return queueOf(db).submit(bytes, spec, options.observers ?? NO_OBSERVERS);
}

/** What POST /api/ingest and the tRPC mutation ingest.batch answer for an ingested body (DESIGN §2). */
export function ingestReply(result: IngestResult) {
  return {
    batch_id: result.batchId,
    accepted: result.accepted,
    events: result.events,
    stats: result.stats,
    skipped: result.skipped,
  };
}

/** Bodies and groups the database's queue has written (how much group commit merged). */
export function ingestQueueStats(db: Db): { bodies: number; groups: number } {
  return { ...queueOf(db).stats };
}
