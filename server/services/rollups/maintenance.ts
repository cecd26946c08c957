import { type SQL, sql } from "drizzle-orm";
import type postgres from "postgres";
import { type Db, dbKind, queryRows } from "@/db/client";
import { DEFAULT_RETENTION } from "@/lib/time-range";
import { quantilesOf } from "./read/health";
import { healthRowText, parseVitalsRow, VITALS_MEASURES } from "./read/health-rows";
import { ENTITY_TENS_S } from "./read/levels";
import {
  arrayLiteral,
  CODE_TABLE_KEYS,
  type CodeFamily,
  ENTITY_AGGREGATES,
  ENTITY_MERGE,
  ENTITY_SUMS,
  GAUGES,
  HEALTH_SUMS,
} from "./write-rollups";

/**
 * Rollup partitions, hour folding and retention, all from app code (scale-notes §3.3: pg_partman is not on
 * PGlite, differs by distro and adds a default partition).
 *
 * - Partitions: every rollup table is range-partitioned by bucket_ts; seconds and minutes tables hourly,
 *   hours tables daily. They are created ahead by `startMaintenance` and on demand by ingest
 *   (`ensurePartitions`), as standalone `CREATE TABLE … (LIKE parent INCLUDING ALL)` + `ATTACH`, which never
 *   stalls writers (`CREATE … PARTITION OF` stalled them 3.5 s behind a long reader, scale-notes §3.1).
 *   No default partition: ingest skips rows outside each table's window and reports them.
 * - Expiry: `DETACH … CONCURRENTLY` + `DROP` on Postgres (no writer stall; plain DROP queued every writer
 *   behind a long reader), plain `DROP` on PGlite (single connection). ~38 ms per hour of the big table
 *   against 266 ms DELETE + VACUUM debt (ingest-limits).
 * - Folding: codes and entity *_hours tables are built from minutes once the hour closed (`foldHour`).
 *   Exactly-once against concurrent ingest: ingest holds a shared transaction advisory lock on every hour it
 *   writes minute rows for and routes rows of already folded hours straight to the hour tables; the fold
 *   takes the exclusive lock, so it sees every minute row of an unfolded hour, and no later minute row is
 *   written for a folded hour.
 * - Live compaction: the minutes of the hour not folded yet are rewritten as one row per key once closed
 *   (`compactLiveMinutes`, every 15 s), so the live hour reads like a folded one.
 * - One leader per cluster via `pg_try_advisory_lock` on a reserved connection (PGlite: one process).
 */

export type RetentionSeconds = { seconds: number; minutes: number; hours: number };

/**
 * Minute rows must outlive the fold of their hour (it runs FOLD_GRACE_S after the hour ends), so the minute
 * retention is at least 2 h whatever the setting says.
 */
const MIN_MINUTES_RETENTION = 7200;

export function retentionFromEnv(env: Record<string, string | undefined> = process.env): RetentionSeconds {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`${name} must be a positive integer (seconds), got ${raw}`);
    return n;
  };
  return {
    seconds: read("GATEWATCH_RETENTION_SECONDS_TABLE", DEFAULT_RETENTION.seconds),
    minutes: Math.max(
      MIN_MINUTES_RETENTION,
      read("GATEWATCH_RETENTION_MINUTES_TABLE", DEFAULT_RETENTION.minutes),
    ),
    hours: read("GATEWATCH_RETENTION_HOURS_TABLE", DEFAULT_RETENTION.hours),
  };
}

export type Grain = "seconds" | "minutes" | "hours";

/** Partition width per grain, seconds. */
export const PARTITION_SPAN: Record<Grain, number> = { seconds: 3600, minutes: 3600, hours: 86_400 };

const CODE_FAMILIES = Object.keys(CODE_TABLE_KEYS) as CodeFamily[];

/** A code family's key columns as the start of a column list (`route_id, service_id, `; empty for the cluster). */
function codeKeys(family: CodeFamily): string {
  return CODE_TABLE_KEYS[family].map((k) => `${k}, `).join("");
}

export const ROLLUP_TABLES: Record<Grain, string[]> = {
  seconds: ["health_seconds", "health_cluster_seconds"],
  minutes: [
    "health_minutes",
    "health_cluster_minutes",
    ...CODE_FAMILIES.map((f) => `${f}_minutes`),
    "entity_traffic_minutes",
    "entity_traffic_tens", // ten-minute sums, kept as long as the minutes they sum
  ],
  hours: ["health_hours", ...CODE_FAMILIES.map((f) => `${f}_hours`), "entity_traffic_hours"],
};

const GRAIN_OF = new Map(
  (Object.entries(ROLLUP_TABLES) as [Grain, string[]][]).flatMap(([g, tables]) => tables.map((t) => [t, g])),
);

/** A rollup table's grain for partitions and retention: the list of ROLLUP_TABLES it is in. */
export function grainOf(table: string): Grain {
  const grain = GRAIN_OF.get(table);
  if (!grain) throw new Error(`${table} is not a rollup table`);
  return grain;
}

/** Rows whose bucket is this far in the future are skipped (a node with a wrong clock). */
export const FUTURE_SKEW_S = 15 * 60;
/** A closed hour is folded this long after it ends, so in-flight batches for it have landed. */
export const FOLD_GRACE_S = 120;
/** Partitions are dropped this long after their data expired, so ingest (window = retention) never races it. */
const DROP_MARGIN_S = 300;

/**
 * A transaction typed as the Db every service takes. `$client` is the parent's driver, so `dbKind(tx)` works;
 * statements must still go through `tx` itself to stay inside the transaction.
 */
export function asDb(tx: unknown, db: Db): Db {
  return Object.assign(tx as object, { $client: db.$client }) as Db;
}

/** Key and measure columns of every entity_traffic_* table, in ENTITY_AGGREGATES order after the key. */
const ENTITY_COLUMNS = `bucket_ts, entity_id, kind, ${ENTITY_SUMS.join(", ")}, rlat_hist`;

/** Advisory-lock namespaces (the two-int form), distinct from other areas' numbers. */
export const LOCK_NS_FOLD = 0x6777_0001;
const LOCK_NS_PARTITION = 0x6777_0002;
const LOCK_NS_LEADER = 0x6777_0003;

export type Windows = { secondsFrom: number; minutesFrom: number; hoursFrom: number; until: number };

/** The bucket range each grain accepts at `nowS` (unix seconds). */
export function windowsAt(nowS: number, retention: RetentionSeconds): Windows {
  return {
    secondsFrom: nowS - retention.seconds,
    minutesFrom: nowS - retention.minutes,
    hoursFrom: nowS - retention.hours,
    until: nowS + FUTURE_SKEW_S,
  };
}

function partitionName(table: string, start: number): string {
  const d = new Date(start * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${table}_p${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}`;
}

const iso = (s: number) => new Date(s * 1000).toISOString();

const knownPartitions = new WeakMap<Db, Set<string>>();

function known(db: Db): Set<string> {
  let set = knownPartitions.get(db);
  if (!set) {
    set = new Set();
    knownPartitions.set(db, set);
  }
  return set;
}

/** Drops this process's partition cache (after another instance expired partitions it still listed). */
export function forgetPartitions(db: Db): void {
  knownPartitions.delete(db);
}

/**
 * Makes sure the partition of `table` holding each bucket exists. Cached per process, so the common case
 * costs a Set lookup; a miss creates the partition in its own short transaction, serialised cluster-wide by
 * an advisory lock, with a lock_timeout so it never queues writers for long (R9).
 */
export async function ensurePartitions(db: Db, table: string, buckets: Iterable<number>): Promise<void> {
  const span = PARTITION_SPAN[grainOf(table)];
  const cache = known(db);
  const starts = new Set<number>();
  for (const b of buckets) starts.add(b - (b % span));
  for (const start of starts) {
    const name = partitionName(table, start);
    if (cache.has(name)) continue;
    await db.transaction(async (pgTx) => {
      const tx = asDb(pgTx, db);
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_NS_PARTITION}, hashtext(${table}))`);
      if (dbKind(db) === "postgres") await tx.execute(sql.raw("SET LOCAL lock_timeout = '5s'"));
      const [row] = await queryRows<{ r: string | null }>(tx, sql`SELECT to_regclass(${name})::text AS r`);
      if (row?.r) return;
      await tx.execute(sql.raw(`CREATE TABLE "${name}" (LIKE "${table}" INCLUDING ALL)`));
      await tx.execute(
        sql.raw(
          `ALTER TABLE "${table}" ATTACH PARTITION "${name}" FOR VALUES FROM ('${iso(start)}') TO ('${iso(start + span)}')`,
        ),
      );
    });
    cache.add(name);
  }
}

/** Creates the current and the next `ahead` partitions of every rollup table. */
export async function createPartitionsAhead(db: Db, nowS: number, ahead = 2): Promise<void> {
  for (const grain of ["seconds", "minutes", "hours"] as Grain[]) {
    const span = PARTITION_SPAN[grain];
    const buckets = Array.from({ length: ahead + 1 }, (_, i) => nowS + i * span);
    for (const table of ROLLUP_TABLES[grain]) await ensurePartitions(db, table, buckets);
  }
}

type PartitionInfo = { name: string; start: number };

export async function listPartitions(db: Db, table: string): Promise<PartitionInfo[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`SELECT c.relname AS name FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = ${table} AND p.relnamespace = 'public'::regnamespace ORDER BY 1`,
  );
  const out: PartitionInfo[] = [];
  for (const { name } of rows) {
    const m = /_p(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(name);
    if (!m) continue;
    out.push({ name, start: Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4]) / 1000 });
  }
  return out;
}

/**
 * Folds one closed hour (unix seconds, hour-aligned) from the minute tables into the hour tables, once,
 * then compacts that hour's minute rows. Returns false when it was already folded. Additive upserts (rows
 * sorted by key), so late events already routed to the hour tables are kept.
 */
export async function foldHour(db: Db, hour: number): Promise<boolean> {
  await ensurePartitions(db, "entity_traffic_tens", [hour]); // the compaction below sums into it
  const folded = await db.transaction(async (pgTx) => {
    const tx = asDb(pgTx, db);
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_NS_FOLD}, ${hour / 3600}::int)`);
    const done = await queryRows(tx, sql`SELECT 1 FROM rollup_hour_folds WHERE hour = to_timestamp(${hour})`);
    if (done.length > 0) return false;
    const range = sql`bucket_ts >= to_timestamp(${hour}) AND bucket_ts < to_timestamp(${hour + 3600})`;
    for (const family of CODE_FAMILIES) {
      const keys = codeKeys(family);
      const append = family === "codes_consumer_route";
      await tx.execute(
        sql`${sql.raw(`INSERT INTO ${family}_hours AS t (bucket_ts, ${keys}status_code, count) SELECT `)}to_timestamp(${hour})${sql.raw(
          `, ${keys}status_code, sum(count) FROM ${family}_minutes WHERE `,
        )}${range}${sql.raw(` GROUP BY ${keys}status_code ORDER BY ${keys}status_code`)}${sql.raw(
          append
            ? ""
            : ` ON CONFLICT (bucket_ts, ${keys}status_code) DO UPDATE SET count = t.count + EXCLUDED.count`,
        )}`,
      );
    }
    await tx.execute(
      sql`${sql.raw(`INSERT INTO entity_traffic_hours AS t (${ENTITY_COLUMNS}) SELECT `)}to_timestamp(${hour})${sql.raw(
        `, entity_id, kind, ${ENTITY_AGGREGATES.join(", ")} FROM entity_traffic_minutes WHERE `,
      )}${range}${sql.raw(
        ` GROUP BY entity_id, kind ORDER BY entity_id, kind ON CONFLICT (bucket_ts, entity_id, kind) DO UPDATE SET ${ENTITY_MERGE.join(", ")}`,
      )}`,
    );
    await compactMinuteRows(tx, hour, hour + 3600);
    await indexFoldedMinutes(tx, hour);
    await tx.execute(
      sql`INSERT INTO rollup_hour_folds (hour, folded_at) VALUES (to_timestamp(${hour}), to_timestamp(${Date.now() / 1000}))`,
    );
    return true;
  });
  if (folded) await vacuumMinutes(db, hour);
  return folded;
}

/**
 * Compaction left every row of the hour's minute partitions dead: until autovacuum came by, scans read twice
 * the pages and the consumer index pointed at the dead rows too (a consumer's 24 h series took 40 ms instead
 * of 15, bench/queries.ts). The partitions are read-only now, so vacuum them once, with fresh statistics.
 */
async function vacuumMinutes(db: Db, hour: number): Promise<void> {
  for (const table of ROLLUP_TABLES.minutes) {
    if (table.startsWith("health_")) continue;
    const name = partitionName(table, hour);
    const [row] = await queryRows<{ r: string | null }>(db, sql`SELECT to_regclass(${name})::text AS r`);
    if (row?.r) await db.execute(sql.raw(`VACUUM (ANALYZE) "${name}"`));
  }
}

/**
 * Statements that rewrite the append-only minute tables' rows in [from, to) as one row per key, one per table;
 * readers see the old or the new rows, with equal sums either way. Rows are written in key order, so one
 * consumer's rows of the hour share a few pages for the indexes indexFoldedMinutes adds, and one kind's
 * entity rows (services, say) fill pages of their own. Only rows the statement's snapshot sees are taken:
 * a batch appending to the same minutes meanwhile (ingest only ever INSERTs here) keeps its rows as they
 * are, so nothing is lost or counted twice.
 */
function minuteCompactions(from: number, to: number): SQL[] {
  const range = sql`bucket_ts >= to_timestamp(${from}) AND bucket_ts < to_timestamp(${to})`;
  const sums = ENTITY_AGGREGATES.join(", ");
  const tables = [
    ...CODE_FAMILIES.map((family) => {
      const keys = codeKeys(family);
      return {
        table: `${family}_minutes`,
        columns: `bucket_ts, ${keys}status_code, count`,
        merged: `bucket_ts, ${keys}status_code, sum(count) FROM gone GROUP BY bucket_ts, ${keys}status_code ORDER BY ${keys}bucket_ts`,
        extra: "",
      };
    }),
    {
      table: "entity_traffic_minutes",
      columns: `${ENTITY_COLUMNS}, compacted`,
      merged: `bucket_ts, entity_id, kind, ${sums}, true FROM gone GROUP BY bucket_ts, entity_id, kind ORDER BY kind, entity_id, bucket_ts`,
      // The ten-minute sums take the rows compacted for the first time, in the same statement: a tens row
      // always equals its compacted minute rows (schema/rollups.ts entityTrafficMinutes).
      extra: `, tens AS (INSERT INTO entity_traffic_tens AS t (${ENTITY_COLUMNS}, last_ts)
          SELECT to_timestamp(floor(extract(epoch FROM bucket_ts) / ${ENTITY_TENS_S}) * ${ENTITY_TENS_S}) AS b, entity_id, kind, ${sums},
            max(bucket_ts) FILTER (WHERE requests > 0)
          FROM gone WHERE NOT compacted GROUP BY b, entity_id, kind ORDER BY b, entity_id, kind
          ON CONFLICT (bucket_ts, entity_id, kind) DO UPDATE SET ${ENTITY_MERGE.join(", ")},
            last_ts = GREATEST(t.last_ts, EXCLUDED.last_ts))`,
    },
  ];
  return tables.map(
    ({ table, columns, merged, extra }) =>
      sql`${sql.raw(`WITH gone AS (DELETE FROM ${table} WHERE `)}${range}${sql.raw(
        ` RETURNING ${columns}), kept AS (INSERT INTO ${table} (${columns}) SELECT ${merged} RETURNING 1)${extra}
          SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM kept) AS n`,
      )}`,
  );
}

/** Runs one statement of minuteCompactions: the number of rows it removed. */
async function compact(tx: Db, statement: SQL): Promise<number> {
  const [row] = await queryRows<{ n: unknown }>(tx, statement);
  return Number(row?.n ?? 0);
}

/** Every minute table's compaction for [from, to), in the caller's transaction. */
async function compactMinuteRows(tx: Db, from: number, to: number): Promise<number> {
  let removed = 0;
  for (const statement of minuteCompactions(from, to)) removed += await compact(tx, statement);
  return removed;
}

/**
 * Seconds after a minute ends before compactLiveMinutes takes it. Nodes flush every second, so a minute's
 * batches are in by then; a later one only stays a partial row of its own until the fold.
 */
export const MINUTE_COMPACT_LAG_S = 10;
/** At most this much time (ten minutes) per compaction statement: a first pass after a start covers ≤ 2 h. */
const LIVE_COMPACT_CHUNK_S = 600;

/** Per database handle: the minute up to which the live hours are compacted (see compactLiveMinutes). */
const liveCompactedUntil = new WeakMap<Db, number>();

/**
 * Compacts the closed minutes of the hours not folded yet, so a read of the live hour sees about one row per
 * key and minute, as it does for folded hours. Ingest appends one partial row per (minute, key) and batch,
 * and nodes flush every second: 5 minutes of the demo's traffic (500 req/s over 4 nodes) left 113k entity
 * and 122k consumer×route minute rows, and the consumers' 1 h table with the consumer×route top 20 took
 * 337 ms; one row per key is what bench/queries.ts measures.
 *
 * Each pass takes the minutes from where the last pass on this handle stopped (on the first pass, the start of
 * the hour before the live one, which may still wait for its fold; the fold compacts the hours before it) up
 * to MINUTE_COMPACT_LAG_S after the last closed minute. Per chunk one transaction holding the fold lock
 * shared, as ingest does when it writes minute rows: no fold runs meanwhile, and a folded hour is left alone
 * (the fold compacted it). Entity rows compacted for the first time are added to `entity_traffic_tens`
 * (compactMinuteRows). Returns the number of rows removed.
 */
export async function compactLiveMinutes(db: Db, nowS: number, retention: RetentionSeconds): Promise<number> {
  const to = Math.floor((nowS - MINUTE_COMPACT_LAG_S) / 60) * 60;
  const oldest = Math.ceil((nowS - retention.minutes) / 60) * 60;
  const from = Math.max(liveCompactedUntil.get(db) ?? to - (to % 3600) - 3600, oldest);
  let removed = 0;
  for (let a = from; a < to; ) {
    const hour = a - (a % 3600);
    const b = Math.min(to, hour + 3600, a + LIVE_COMPACT_CHUNK_S);
    await ensurePartitions(db, "entity_traffic_tens", [hour]);
    // A transaction per table: each statement stands alone (its sums are the same before and after), and
    // ingest and reads get in between (PGlite runs one statement at a time: a minute of the demo's traffic
    // is ~57k rows, ~0.85 s in one transaction).
    for (const statement of minuteCompactions(a, b)) {
      removed += await db.transaction(async (pgTx) => {
        const tx = asDb(pgTx, db);
        await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(${LOCK_NS_FOLD}, ${hour / 3600}::int)`);
        const folded = await queryRows(
          tx,
          sql`SELECT 1 FROM rollup_hour_folds WHERE hour = to_timestamp(${hour})`,
        );
        return folded.length > 0 ? 0 : compact(tx, statement);
      });
    }
    a = b;
  }
  if (to > from) liveCompactedUntil.set(db, to);
  return removed;
}

/**
 * Entity series read their rows of a minute table, which has no index but its time range. A consumer's 25 h
 * (status codes per consumer, Vitals by_consumer…) was a 1.1 M-row scan, 65–90 ms; the top service's 24 h of
 * codes a 196k-row scan for its 4k rows, 20–30 ms with two parallel workers (bench/queries.ts). A folded
 * hour's minute partition is read-only from then on (ingest writes that hour to the hour table), so it gets
 * these indexes here, a few ms to ~30 ms of background work per hour, and the consumer's read takes ~15 ms.
 * The live partitions (this hour and the last until its fold) stay index-free: these tables are ingest's cost
 * centre (ingest-limits) and only ≤ 2 partitions are scanned. Partitions folded before an index was added here
 * keep without it until they expire.
 */
const FOLDED_MINUTE_INDEXES: Record<string, { suffix: string; columns: string; where?: string }[]> = {
  codes_consumer_route_minutes: [{ suffix: "consumer", columns: "consumer_id, bucket_ts" }],
  codes_route_minutes: [
    { suffix: "service", columns: "service_id, bucket_ts" },
    { suffix: "route", columns: "route_id, bucket_ts" },
  ],
  // Entity tables read one kind: a range starting inside a folded hour read all of its 25k rows for the
  // 3.8k services' (bench:queries data), 25 ms; through this index, on pages compactMinuteRows filled one
  // kind at a time, 2 ms (service 24 h 35 → 27 ms, route 50 → 42, consumer 70 → 66 in psql).
  // And the minute rows a tens row does not hold (none once folded, but all of an hour folded before the
  // tens existed): read beside the tens, found through this empty index instead of a scan of the partition.
  entity_traffic_minutes: [
    { suffix: "kind", columns: "kind, bucket_ts" },
    { suffix: "partial", columns: "kind, bucket_ts", where: "NOT compacted" },
  ],
};

async function indexFoldedMinutes(tx: Db, hour: number): Promise<void> {
  for (const [table, indexes] of Object.entries(FOLDED_MINUTE_INDEXES)) {
    const name = partitionName(table, hour);
    const [row] = await queryRows<{ r: string | null }>(tx, sql`SELECT to_regclass(${name})::text AS r`);
    if (!row?.r) continue;
    for (const { suffix, columns, where } of indexes)
      await tx.execute(
        sql.raw(
          `CREATE INDEX IF NOT EXISTS "${name}_${suffix}" ON "${name}" (${columns})${where ? ` WHERE ${where}` : ""}`,
        ),
      );
  }
}

/**
 * node_id of a compacted cluster row: not one of ingest's 8 shard sentinels (…0 to …7), so no ingest
 * statement ever writes or waits on it.
 */
export const CLUSTER_COMPACTED_ID = "00000000-0000-0000-0000-0000000000ff";

/** Cluster buckets this old are compacted: concurrent batches for them have landed (as FOLD_GRACE_S). */
export const CLUSTER_COMPACT_LAG_S = 120;
/** Seconds after a bucket ends before its node rows get stored quantiles (most late batches are in by then). */
const QUANTILE_GRACE_S = 5;

/**
 * The merge ingest's upserts apply row by row (write-rollups.ts), as aggregates over a bucket's rows: Σ sums,
 * min of mins, max of maxes, Σ histograms, gauges from the newest `gauges_at` (a tie takes the greatest).
 */
const HEALTH_MERGE = [
  ...HEALTH_SUMS.map((c) => `sum(${c})`),
  "min(plat_min)",
  "max(plat_max)",
  "min(ulat_min)",
  "max(ulat_max)",
  "gw_hist_sum(plat_hist)",
  "gw_hist_sum(ulat_hist)",
  "max(gauges_at)",
  ...GAUGES.map(
    (c) =>
      `(array_agg(${c} ORDER BY gauges_at DESC, ${c} DESC NULLS LAST) FILTER (WHERE gauges_at IS NOT NULL))[1]`,
  ),
];
const HEALTH_MERGE_COLUMNS = [
  ...HEALTH_SUMS,
  "plat_min",
  "plat_max",
  "ulat_min",
  "ulat_max",
  "plat_hist",
  "ulat_hist",
  "gauges_at",
  ...GAUGES,
];

/**
 * Rewrites the shard rows of every closed bucket of health_cluster_{seconds,minutes} as one row
 * (CLUSTER_COMPACTED_ID), so a cluster chart reads about one row per bucket instead of up to 8: the 1 h chart
 * at 1 s read 28.8k shard rows in 125 ms, 4.4k rows in 26 ms once all but the last 2 minutes were compacted
 * (bench/queries.ts, 20 nodes). The shards only matter while batches for a bucket are in flight
 * (ingest-batch.ts clusterShard).
 *
 * Rows are taken with FOR UPDATE SKIP LOCKED, so compaction never waits on an ingest transaction (no lock
 * cycle with it is possible) and leaves a row an ingest batch is updating for the next pass. The compacted
 * row of a bucket is taken with the rest and written again in the same statement (a row deleted by the own
 * transaction is no unique conflict). A late batch for a compacted bucket upserts a shard row again; readers
 * sum every row of a bucket, so totals are the same before, during and after a pass. Returns the number of
 * rows removed.
 */
export async function compactClusterHealth(
  db: Db,
  nowS: number,
  retention: RetentionSeconds,
): Promise<number> {
  let removed = 0;
  for (const grain of ["seconds", "minutes"] as const) {
    const table = `health_cluster_${grain}`;
    const range = sql`bucket_ts >= to_timestamp(${nowS - retention[grain]}) AND bucket_ts < to_timestamp(${nowS - CLUSTER_COMPACT_LAG_S})`;
    const cols = HEALTH_MERGE_COLUMNS.join(", ");
    const rows = await queryRows<{ n: unknown }>(
      db,
      sql`WITH picked AS (
            SELECT bucket_ts, node_id FROM ${sql.raw(table)} WHERE ${range} AND bucket_ts IN (
              SELECT bucket_ts FROM ${sql.raw(table)} WHERE ${range} GROUP BY bucket_ts HAVING count(*) > 1)
            FOR UPDATE SKIP LOCKED
          ), gone AS (
            DELETE FROM ${sql.raw(table)} t USING picked
            WHERE t.bucket_ts = picked.bucket_ts AND t.node_id = picked.node_id RETURNING t.*
          ), merged AS (
            ${sql.raw(`INSERT INTO ${table} (bucket_ts, node_id, ${cols})
              SELECT bucket_ts, '${CLUSTER_COMPACTED_ID}', ${HEALTH_MERGE.join(", ")} FROM gone GROUP BY bucket_ts`)}
            RETURNING 1
          )
          SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM merged) AS n`,
    );
    removed += Number(rows[0]?.n ?? 0);
  }
  return removed;
}

/**
 * Tables whose closed rows get stored quantiles, and how long after a bucket's start it counts as closed:
 * node rows once their bucket has ended (a late batch resets them), cluster rows once compacted (a shard row
 * is only ever read merged with the rest of its bucket).
 */
const QUANTILE_TABLES = [
  { table: "health_seconds", grain: "seconds", closedAfter: 1 + QUANTILE_GRACE_S },
  { table: "health_minutes", grain: "minutes", closedAfter: 60 + QUANTILE_GRACE_S },
  { table: "health_cluster_seconds", grain: "seconds", closedAfter: CLUSTER_COMPACT_LAG_S },
  { table: "health_cluster_minutes", grain: "minutes", closedAfter: CLUSTER_COMPACT_LAG_S },
] as const;
/**
 * Rows per fill statement. PGlite runs one statement at a time, ~66 µs a row here: 1,000 rows hold it ~70 ms,
 * and ingest and reads get in between pages (a first pass over a kept .data fills up to ~100k rows).
 */
const QUANTILE_PAGE = { postgres: 5000, pglite: 1000 } as const;

/**
 * Stores each closed row's p50/p95/p99 (`quantiles`, hundredths of a ms), computed by the readers' own
 * `quantilesOf` from the row's histograms, so a series of one row per bucket reads 6 numbers instead of two
 * histograms (bench/queries.ts: one node's hour of seconds, 3,600 rows). Pages through rows still without
 * them in key order. A row is only written if its latency counts are still the ones read (an upsert in
 * between changed the histograms and reset the column), and taken with FOR UPDATE SKIP LOCKED, so the pass
 * never waits on ingest. Returns the number of rows filled.
 */
export async function fillQuantiles(db: Db, nowS: number, retention: RetentionSeconds): Promise<number> {
  let filled = 0;
  const page = QUANTILE_PAGE[dbKind(db)];
  for (const { table, grain, closedAfter } of QUANTILE_TABLES) {
    let after: { ts: number; node: string } | null = null;
    for (;;) {
      // typed: `after` below depends on it, which leaves inference circular
      const rows: { node_id: string; r: string }[] = await queryRows(
        db,
        sql`SELECT node_id, ${healthRowText(VITALS_MEASURES, "histograms")} AS r FROM ${sql.raw(table)}
            WHERE quantiles IS NULL AND bucket_ts >= to_timestamp(${nowS - retention[grain]})
              AND bucket_ts < to_timestamp(${nowS - closedAfter})
              ${after ? sql`AND (bucket_ts, node_id) > (to_timestamp(${after.ts}), ${after.node}::uuid)` : sql``}
            ORDER BY bucket_ts, node_id LIMIT ${page}`,
      );
      if (rows.length === 0) break;
      const parsed = rows.map((row) => parseVitalsRow(row.r, "histograms", row.node_id));
      const centi = parsed.map((p) =>
        arrayLiteral(quantilesOf(p).map((v) => (v === null ? null : Math.round(v * 100)))),
      );
      const updated = await queryRows<{ n: unknown }>(
        db,
        sql`WITH u AS (
              SELECT * FROM unnest(${arrayLiteral(parsed.map((p) => p.ts))}::int8[],
                ${arrayLiteral(parsed.map((p) => p.nodeId))}::uuid[], ${arrayLiteral(parsed.map((p) => p.platCount))}::int8[],
                ${arrayLiteral(parsed.map((p) => p.ulatCount))}::int8[], ${arrayLiteral(centi, true)}::text[])
                AS u(ts, node_id, plat_count, ulat_count, q)
            ), picked AS (
              SELECT t.bucket_ts, t.node_id, u.q FROM ${sql.raw(table)} t
              JOIN u ON t.bucket_ts = to_timestamp(u.ts) AND t.node_id = u.node_id
              WHERE t.quantiles IS NULL AND t.plat_count = u.plat_count AND t.ulat_count = u.ulat_count
              FOR UPDATE OF t SKIP LOCKED
            ), done AS (
              UPDATE ${sql.raw(table)} t SET quantiles = picked.q::int4[] FROM picked
              WHERE t.bucket_ts = picked.bucket_ts AND t.node_id = picked.node_id RETURNING 1
            )
            SELECT count(*) AS n FROM done`,
      );
      filled += Number(updated[0]?.n ?? 0);
      if (rows.length < page) break;
      const last = parsed[parsed.length - 1];
      after = { ts: last.ts, node: last.nodeId };
    }
  }
  return filled;
}

/** Folds every closed hour that may still hold minute rows and is not folded yet. */
export async function foldDueHours(db: Db, nowS: number, retention: RetentionSeconds): Promise<number> {
  const last = nowS - FOLD_GRACE_S - 3600; // latest hour start whose hour has closed (plus grace)
  const first = nowS - retention.minutes - 3600;
  const candidates: number[] = [];
  for (let h = first - (first % 3600) + 3600; h <= last; h += 3600) candidates.push(h);
  if (candidates.length === 0) return 0;
  const folded = await queryRows<{ h: number | string }>(
    db,
    sql`SELECT extract(epoch FROM hour)::int8 AS h FROM rollup_hour_folds WHERE hour >= to_timestamp(${candidates[0]})`,
  );
  const done = new Set(folded.map((r) => Number(r.h)));
  let n = 0;
  for (const h of candidates) if (!done.has(h) && (await foldHour(db, h))) n++;
  return n;
}

/** Drops partitions whose whole range is older than the table's retention (minutes: after folding them). */
export async function dropExpiredPartitions(
  db: Db,
  nowS: number,
  retention: RetentionSeconds,
): Promise<string[]> {
  const dropped: string[] = [];
  const kind = dbKind(db);
  for (const grain of ["seconds", "minutes", "hours"] as Grain[]) {
    const span = PARTITION_SPAN[grain];
    const cutoff = nowS - retention[grain] - DROP_MARGIN_S;
    for (const table of ROLLUP_TABLES[grain]) {
      for (const p of await listPartitions(db, table)) {
        if (p.start + span > cutoff) continue;
        if (grain === "minutes" && !table.startsWith("health_")) await foldHour(db, p.start);
        if (kind === "postgres") {
          try {
            await db.execute(sql.raw(`ALTER TABLE "${table}" DETACH PARTITION "${p.name}" CONCURRENTLY`));
          } catch (err) {
            // An interrupted concurrent detach leaves the partition "detach pending": finish it.
            if (!String((err as Error).message).includes("pending")) throw err;
            await db.execute(sql.raw(`ALTER TABLE "${table}" DETACH PARTITION "${p.name}" FINALIZE`));
          }
        }
        await db.execute(sql.raw(`DROP TABLE IF EXISTS "${p.name}"`));
        known(db).delete(p.name);
        dropped.push(p.name);
      }
    }
  }
  return dropped;
}

/** Batch ids are kept long enough for any client retry; deleted in small batches so no lock is held long. */
const DEDUPE_RETENTION_S = 48 * 3600;
const DELETE_BATCH = 5000;

export async function deleteExpiredRows(db: Db, nowS: number, retention: RetentionSeconds): Promise<void> {
  for (;;) {
    const rows = await queryRows(
      db,
      sql`DELETE FROM ingest_batches WHERE batch_id IN (SELECT batch_id FROM ingest_batches
          WHERE received_at < to_timestamp(${nowS - DEDUPE_RETENTION_S}) LIMIT ${DELETE_BATCH}) RETURNING 1`,
    );
    if (rows.length < DELETE_BATCH) break;
  }
  await db.execute(
    sql`DELETE FROM rollup_hour_folds WHERE hour < to_timestamp(${nowS - Math.max(retention.hours, retention.minutes) - 86_400})`,
  );
}

export type MaintenanceOptions = {
  retention?: RetentionSeconds;
  /** Between passes; default 60 s. */
  intervalMs?: number;
  /** Between live-minute compactions (compactLiveMinutes) in between passes; default 15 s. */
  compactIntervalMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
};

/** One maintenance pass (the leader's work). */
export async function runMaintenance(db: Db, nowS: number, retention: RetentionSeconds): Promise<void> {
  await createPartitionsAhead(db, nowS);
  await foldDueHours(db, nowS, retention);
  await compactClusterHealth(db, nowS, retention);
  await compactLiveMinutes(db, nowS, retention);
  await fillQuantiles(db, nowS, retention);
  await dropExpiredPartitions(db, nowS, retention);
  await deleteExpiredRows(db, nowS, retention);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts background maintenance: a pass now, then every `intervalMs`. On Postgres only the instance holding
 * the session advisory lock works (on a reserved connection, so the pool cannot hand the lock around); the
 * others retry each interval and take over if the leader goes away.
 */
export function startMaintenance(db: Db, options: MaintenanceOptions = {}): { stop(): Promise<void> } {
  const retention = options.retention ?? retentionFromEnv();
  const now = options.now ?? (() => Date.now() / 1000);
  const onError =
    options.onError ?? ((err: unknown) => console.error("[gatewatch] rollup maintenance:", err));
  let leader: postgres.ReservedSql | null = null;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const isLeader = async (): Promise<boolean> => {
    if (dbKind(db) === "pglite") return true;
    if (leader) {
      try {
        await leader`SELECT 1`;
        return true;
      } catch {
        leader = null;
      }
    }
    // reserve() waits for a pool connection; while the database is down that can take forever.
    const reserved = await withTimeout(
      (db.$client as postgres.Sql).reserve(),
      10_000,
      "reserve a connection",
    );
    const [row] = await reserved`SELECT pg_try_advisory_lock(${LOCK_NS_LEADER}, 0) AS ok`;
    if (row?.ok) {
      leader = reserved;
      return true;
    }
    reserved.release();
    return false;
  };

  // Passes run one at a time, and a kind of pass is queued at most once (a slow or unreachable database
  // must not pile them up).
  const queued = new Set<string>();
  const run = async (work: (nowS: number) => Promise<unknown>) => {
    if (stopped) return;
    try {
      if (await isLeader()) await work(Math.floor(now()));
    } catch (err) {
      onError(err);
    }
  };
  const schedule = (kind: string, work: (nowS: number) => Promise<unknown>) => {
    if (queued.has(kind)) return;
    queued.add(kind);
    running = running.then(() => {
      queued.delete(kind);
      return run(work);
    });
  };
  const full = (nowS: number) => runMaintenance(db, nowS, retention);
  running = run(full); // the first pass starts now; stop() waits for it
  const timers = [
    setInterval(() => schedule("full", full), options.intervalMs ?? 60_000),
    // The live hour's partial rows grow by one per key and batch: compacted more often than the rest runs.
    setInterval(
      () => schedule("compact", (nowS) => compactLiveMinutes(db, nowS, retention)),
      options.compactIntervalMs ?? 15_000,
    ),
  ];
  for (const timer of timers) timer.unref?.();
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      // Never hang a shutdown on a pass stuck on an unreachable database.
      await withTimeout(running, 10_000, "finish the maintenance pass").catch(onError);
      if (leader) {
        try {
          await leader`SELECT pg_advisory_unlock(${LOCK_NS_LEADER}, 0)`;
        } catch {
          // the connection is gone, and with it the lock
        }
        leader.release();
        leader = null;
      }
    },
  };
}
