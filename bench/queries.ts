/**
 * npm run bench:queries — times every query the dashboard (tRPC) and the Vitals API issue, on a fresh
 * PostgreSQL database with the real migrations and a realistic rollup volume:
 *   20 nodes, 200 services, 1,000 routes (Zipf activity), 5,000 consumers (Zipf);
 *   health: 1 h of seconds (72k rows), 25 h of minutes (30k), 30 d of hours (14.4k), with histograms; the
 *   cluster tables with one row per shard sentinel as ingest writes them (8 per bucket), compacted by the
 *   maintenance code except for the last CLUSTER_COMPACT_LAG_S; rows' quantiles stored by the maintenance
 *   code as the pass a minute earlier left them (fillStaleQuantiles);
 *   codes per node / unmatched / route (~135 active routes a minute) / consumer×route (1,000 partial rows a
 *   minute, 1.5 M rows) and entity traffic (~430 entities a minute) for 25 h of minutes, hours folded with
 *   the real maintenance code (foldHour, which also indexes the folded consumer×route and route minutes) for
 *   every closed hour; the cluster's codes as ingest appends them (a row per node batch), compacted by the fold;
 *   the live hour's closed minutes compacted as the 15 s pass (compactLiveMinutes) leaves them.
 * Loading is INSERT … SELECT generate_series through the partitioned parent tables (partitions created with
 * the app's ensurePartitions), then VACUUM ANALYZE. Each query runs BENCH_RUNS times (default 20) after 2 warm-ups;
 * the table prints median and p95 (nearest rank) and flags p95 > 50 ms. Baselines from the same run: a
 * `SELECT 1` round trip, for two queries the naive plan (minute rows only / the consumer×route table), and one
 * node's 1 h chart before maintenance stored its rows' quantiles.
 *
 * Env: TEST_DATABASE_URL or BENCH_DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres);
 * the database is created and dropped. BENCH_RUNS (20). BENCH_KEEP=1 keeps the loaded database (its URL is
 * printed) and BENCH_REUSE=<url> times the queries against such a database without loading; BENCH_ONLY=<regex>
 * times only the matching queries.
 */
import { sql } from "drizzle-orm";
import { closeDb, createPostgresDb, type Db } from "@/db/client";
import { createTestDb } from "@/db/testing";
import { bucketOf, ENTITY_HISTOGRAM, emptyHistogram, HEALTH_HISTOGRAM } from "@/lib/histogram";
import { createRng } from "@/lib/simulator/random";
import type { RangeInput } from "@/lib/time-range";
import {
  compactClusterHealth,
  compactLiveMinutes,
  ensurePartitions,
  fillQuantiles,
  foldHour,
  ROLLUP_TABLES,
  retentionFromEnv,
} from "@/server/services/rollups/maintenance";
import { getConsumerRoutes, getStatusCodeSeries } from "@/server/services/rollups/read/codes";
import { getEntityTable } from "@/server/services/rollups/read/entities";
import {
  aggregateHealth,
  getHealthSeries,
  getNodeTable,
  getOverlaySeries,
  getSummary,
} from "@/server/services/rollups/read/health";
import { segments } from "@/server/services/rollups/read/levels";
import {
  getVitalsConsumerRequests,
  getVitalsStatusCodeClasses,
  getVitalsStatusCodes,
} from "@/server/services/vitals/codes";
import { vitalsHealthJson } from "@/server/services/vitals/health";
import { parseVitalsQuery } from "@/server/services/vitals/params";

process.env.TEST_DATABASE_URL ??=
  process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TARGET_MS = 50;

function trim(h: number[]): string {
  let end = h.length;
  while (end > 0 && h[end - 1] === 0) end--;
  return `{${h.slice(0, end).join(",")}}`;
}

/** 64 node-second templates (3–40 requests, log-normal latencies), scaled ×60 / ×3600 for minutes / hours. */
function healthTemplates(): string {
  const rand = createRng(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const rows: string[] = [];
  for (let k = 0; k < 64; k++) {
    const n = k === 0 ? 0 : 3 + Math.floor(rand() * 38);
    const ph = emptyHistogram(HEALTH_HISTOGRAM);
    const uh = emptyHistogram(HEALTH_HISTOGRAM);
    let pmin = Infinity,
      pmax = -Infinity,
      psum = 0,
      umin = Infinity,
      umax = -Infinity,
      usum = 0,
      ucount = 0;
    const cls = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const p = Math.max(0, Math.round(1.5 * Math.exp(0.8 * normal())));
      ph[bucketOf(HEALTH_HISTOGRAM, p)]++;
      pmin = Math.min(pmin, p);
      pmax = Math.max(pmax, p);
      psum += p;
      const r = rand();
      cls[r < 0.8 ? 0 : r < 0.88 ? 1 : r < 0.98 ? 2 : 3]++;
      if (rand() < 0.9) {
        const u = Math.max(1, Math.round(40 * Math.exp(0.7 * normal())));
        uh[bucketOf(HEALTH_HISTOGRAM, u)]++;
        umin = Math.min(umin, u);
        umax = Math.max(umax, u);
        usum += u;
        ucount++;
      }
    }
    for (const [level, m] of [
      ["seconds", 1],
      ["minutes", 60],
      ["hours", 3600],
    ] as const) {
      const scale = (h: number[]) => trim(h.map((c) => c * m));
      rows.push(
        `('${level}',${k},${n * m},${n ? pmin : "NULL"},${n ? pmax : "NULL"},${psum * m},${n * m},'${scale(ph)}',` +
          `${ucount ? umin : "NULL"},${ucount ? umax : "NULL"},${usum * m},${ucount * m},'${scale(uh)}',` +
          `${cls[0] * m},${cls[1] * m},${cls[2] * m},${cls[3] * m})`,
      );
    }
  }
  return rows.join(",\n");
}

function entityTemplates(): string {
  const rand = createRng(9);
  const rows: string[] = [];
  for (let k = 0; k < 32; k++) {
    const n = 1 + Math.floor(rand() * 60);
    const h = emptyHistogram(ENTITY_HISTOGRAM);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.round(
        45 * Math.exp(0.7 * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())),
      );
      h[bucketOf(ENTITY_HISTOGRAM, v)]++;
      sum += v;
    }
    rows.push(`(${k},${n},${sum},'${trim(h)}')`);
  }
  return rows.join(",\n");
}

/** Runs one loading step and prints its label (which may name the step's result) and duration. */
async function step<T>(label: string | ((result: T) => string), run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await run();
  const name = typeof label === "string" ? label : label(result);
  console.log(`  ${name.padEnd(44)} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return result;
}

function exec(db: Db, label: string, query: ReturnType<typeof sql>): Promise<unknown> {
  return step(label, () => db.execute(query));
}

async function load(db: Db, nowS: number): Promise<void> {
  const minuteEnd = Math.floor(nowS / 60) * 60;
  const minuteStart = minuteEnd - 25 * 3600;
  const secondStart = nowS - 3600;
  const hourEnd = Math.floor(nowS / 3600) * 3600;
  const hourStart = hourEnd - 30 * 86400;
  console.log("loading (INSERT … SELECT generate_series through the partitioned parents):");
  const range = (from: number, to: number, every: number) => {
    const out: number[] = [];
    for (let t = from; t <= to; t += every) out.push(t);
    return out;
  };
  await step("partitions", async () => {
    for (const t of ROLLUP_TABLES.seconds) await ensurePartitions(db, t, range(secondStart, nowS, 3600));
    for (const t of ROLLUP_TABLES.minutes) await ensurePartitions(db, t, range(minuteStart, nowS, 3600));
    for (const t of ROLLUP_TABLES.hours) await ensurePartitions(db, t, range(hourStart, nowS, 86400));
  });

  await db.execute(sql.raw("SELECT setseed(0.42)"));
  await exec(
    db,
    "entities (20 nodes, 200 svc, 1k routes, 5k consumers)",
    sql.raw(`
    INSERT INTO nodes (id, hostname, version) SELECT md5('node'||i)::uuid, 'gw-'||i, '3.9.3' FROM generate_series(1,20) i;
    INSERT INTO services (id, name, host) SELECT md5('svc'||i)::uuid, 'svc-'||i, 'svc-'||i||'.internal' FROM generate_series(0,199) i;
    INSERT INTO routes (id, name, service_id) SELECT md5('route'||i)::uuid, 'route-'||i, md5('svc'||(i%200))::uuid FROM generate_series(0,999) i;
    INSERT INTO consumers (id, username) SELECT md5('consumer'||i)::uuid, 'user-'||i FROM generate_series(0,4999) i;
    CREATE TEMP TABLE tmpl (level text, k int, n bigint, pmin int, pmax int, psum bigint, pcount bigint, phist bigint[],
      umin int, umax int, usum bigint, ucount bigint, uhist bigint[], s2 bigint, s3 bigint, s4 bigint, s5 bigint);
    INSERT INTO tmpl VALUES ${healthTemplates()};
    CREATE TEMP TABLE etmpl (k int, n bigint, rsum bigint, rhist bigint[]);
    INSERT INTO etmpl VALUES ${entityTemplates()};`),
  );
  // Node 20 is silent for the last 15 min; node 19 idle (samples, no requests) for the last 5 min.
  const healthInsert = (table: string, level: string, from: number, to: number, step: number) =>
    sql.raw(`
    INSERT INTO ${table} (bucket_ts, node_id, requests, cache_hits, cache_misses, samples, plat_min, plat_max,
      plat_sum, plat_count, plat_hist, ulat_min, ulat_max, ulat_sum, ulat_count, ulat_hist, rlat_sum, rlat_count,
      bytes_in, bytes_out, status_2xx, status_3xx, status_4xx, status_5xx)
    SELECT to_timestamp(ts), md5('node'||nd)::uuid, t.n, t.n / 5, t.n / 3, ${step}, t.pmin, t.pmax, t.psum, t.pcount,
      t.phist, t.umin, t.umax, t.usum, t.ucount, t.uhist, t.psum + t.usum, t.pcount, t.n * 300, t.n * 1800,
      t.s2, t.s3, t.s4, t.s5
    FROM generate_series(${from}, ${to - step}, ${step}) ts CROSS JOIN generate_series(1, 20) nd
    JOIN tmpl t ON t.level = '${level}'
      AND t.k = CASE WHEN nd = 19 AND ts >= ${nowS - 300} THEN 0 ELSE 1 + ((nd * 13 + ts / ${step})::bigint % 63) END
    WHERE NOT (nd = 20 AND ts >= ${nowS - 900})`);
  await exec(
    db,
    "health_seconds (1 h × 20 nodes)",
    healthInsert("health_seconds", "seconds", secondStart, nowS, 1),
  );
  await exec(
    db,
    "health_minutes (25 h × 20 nodes)",
    healthInsert("health_minutes", "minutes", minuteStart, minuteEnd + 60, 60),
  );
  // What ingest writes alongside the node rows: the cluster's rows per bucket, one per shard sentinel
  // (ingest-batch.ts clusterShard: the node id's last byte mod 8), so 8 rows per bucket with 20 nodes.
  const clusterInsert = (level: string) =>
    sql.raw(`
    INSERT INTO health_cluster_${level} (bucket_ts, node_id, requests, cache_hits, cache_misses, samples, plat_min,
      plat_max, plat_sum, plat_count, plat_hist, ulat_min, ulat_max, ulat_sum, ulat_count, ulat_hist, rlat_sum,
      rlat_count, bytes_in, bytes_out, status_1xx, status_2xx, status_3xx, status_4xx, status_5xx, status_other)
    SELECT bucket_ts, ('00000000-0000-0000-0000-00000000000' || (('x' || right(node_id::text, 2))::bit(8)::int % 8))::uuid,
      sum(requests), sum(cache_hits),
      sum(cache_misses), sum(samples), min(plat_min), max(plat_max), sum(plat_sum), sum(plat_count),
      gw_hist_sum(plat_hist), min(ulat_min), max(ulat_max), sum(ulat_sum), sum(ulat_count), gw_hist_sum(ulat_hist),
      sum(rlat_sum), sum(rlat_count), sum(bytes_in), sum(bytes_out), sum(status_1xx), sum(status_2xx),
      sum(status_3xx), sum(status_4xx), sum(status_5xx), sum(status_other)
    FROM health_${level} GROUP BY 1, 2`);
  await exec(db, "health_cluster_seconds (derived as ingest writes it)", clusterInsert("seconds"));
  await exec(db, "health_cluster_minutes (derived as ingest writes it)", clusterInsert("minutes"));
  await exec(
    db,
    "health_hours (30 d × 20 nodes)",
    healthInsert("health_hours", "hours", hourStart, hourEnd + 3600, 3600),
  );
  await exec(
    db,
    "codes_node_minutes",
    sql.raw(`
    INSERT INTO codes_node_minutes (bucket_ts, node_id, status_code, count)
    SELECT h.bucket_ts, h.node_id, c.code, c.n FROM health_minutes h
    CROSS JOIN LATERAL (VALUES (200, h.status_2xx), (304, h.status_3xx), (404, h.status_4xx - h.status_4xx / 3),
      (401, h.status_4xx / 3), (500, h.status_5xx / 2), (503, h.status_5xx - h.status_5xx / 2)) AS c(code, n)
    WHERE c.n > 0`),
  );
  await exec(
    db,
    "codes_cluster_minutes (a row per node batch, as ingest appends them; the fold compacts closed hours)",
    sql.raw(`
    INSERT INTO codes_cluster_minutes (bucket_ts, status_code, count)
    SELECT bucket_ts, status_code, count FROM codes_node_minutes`),
  );
  await exec(
    db,
    "codes_unmatched_minutes",
    sql.raw(`
    INSERT INTO codes_unmatched_minutes (bucket_ts, node_id, status_code, count)
    SELECT to_timestamp(ts), md5('node'||n)::uuid, 404, 1 + (ts / 60 + n)::bigint % 7
    FROM generate_series(${minuteStart}, ${minuteEnd}, 60) ts CROSS JOIN generate_series(1, 20) n
    WHERE (ts / 60 + n)::bigint % 5 = 0`),
  );
  await exec(
    db,
    "codes_route_minutes (Zipf route activity)",
    sql.raw(`
    INSERT INTO codes_route_minutes (bucket_ts, route_id, service_id, status_code, count)
    SELECT to_timestamp(ts), md5('route'||r)::uuid, md5('svc'||(r % 200))::uuid, c.code, c.n
    FROM generate_series(${minuteStart}, ${minuteEnd}, 60) ts CROSS JOIN generate_series(0, 999) r
    CROSS JOIN LATERAL (VALUES (200, 5 + floor(random() * 60)::int), (404, floor(random() * 4)::int),
      (500, floor(random() * 1.6)::int)) AS c(code, n)
    WHERE random() < least(1.0, 30.0 / (r + 1)) AND c.n > 0`),
  );
  await exec(
    db,
    "codes_consumer_route_minutes (1k partial rows/min)",
    sql.raw(`
    INSERT INTO codes_consumer_route_minutes (bucket_ts, consumer_id, route_id, service_id, status_code, count)
    SELECT to_timestamp(ts), md5('consumer'||floor(5000 * power(random(), 3))::int)::uuid,
      md5('route'||r)::uuid, md5('svc'||(r % 200))::uuid,
      CASE WHEN x < 0.85 THEN 200 WHEN x < 0.9 THEN 404 WHEN x < 0.92 THEN 401 WHEN x < 0.97 THEN 304 ELSE 500 END,
      1 + floor(random() * 3)::int
    FROM generate_series(${minuteStart}, ${minuteEnd}, 60) ts CROSS JOIN generate_series(1, 1000) i
    CROSS JOIN LATERAL (SELECT floor(1000 * power(random(), 2))::int AS r, random() AS x OFFSET 0) z`),
  );
  await exec(
    db,
    "entity_traffic_minutes (Zipf activity, histograms)",
    sql.raw(`
    INSERT INTO entity_traffic_minutes (bucket_ts, entity_id, kind, requests, status_4xx, status_5xx, plat_sum,
      plat_count, ulat_sum, ulat_count, rlat_sum, rlat_count, rlat_hist, bytes_in, bytes_out)
    SELECT to_timestamp(ts), md5(e.prefix||e.i)::uuid, e.kind, t.n, t.n / 10, t.n / 40, t.n * 2, t.n, t.rsum - t.n * 2,
      t.n, t.rsum, t.n, t.rhist, t.n * 300, t.n * 1800
    FROM generate_series(${minuteStart}, ${minuteEnd}, 60) ts
    CROSS JOIN (SELECT 'service' AS kind, 'svc' AS prefix, i, 20.0 AS a FROM generate_series(0, 199) i
                UNION ALL SELECT 'route', 'route', i, 30.0 FROM generate_series(0, 999) i
                UNION ALL SELECT 'consumer', 'consumer', i, 40.0 FROM generate_series(0, 4999) i) e
    JOIN etmpl t ON t.k = (e.i * 7 + ts / 60)::bigint % 32
    WHERE random() < least(1.0, e.a / (e.i + 1))`),
  );
  await step(
    (folds) => `fold ${folds} closed hours (maintenance.foldHour)`,
    async () => {
      let folds = 0;
      for (let h = Math.floor(minuteStart / 3600) * 3600; h + 3600 + 120 <= nowS; h += 3600)
        if (await foldHour(db, h)) folds++;
      return folds;
    },
  );
  // As the live compaction (every 15 s) left the live hour just before its next pass: closed minutes one row
  // per key, the last ~1.5 minutes as ingest appended them.
  await step(
    (n) => `compact ${n} partial rows of the live hour's closed minutes (maintenance)`,
    () => compactLiveMinutes(db, nowS - 15, retentionFromEnv()),
  );
  await step(
    (n) => `compact ${n} cluster shard rows (maintenance)`,
    () => compactClusterHealth(db, nowS, retentionFromEnv()),
  );
  await step(
    (n) => `store quantiles of ${n} rows (maintenance)`,
    () => fillStaleQuantiles(db, nowS),
  );
  // As autovacuum leaves a live server's tables (insert-triggered since PG 13): visibility map and hint bits
  // set. Without it every read pays for them: one node's hour of seconds read 30–50 % slower.
  await exec(db, "VACUUM ANALYZE", sql.raw("VACUUM ANALYZE"));
  const counts = await db.execute(
    sql.raw(`SELECT 'health_seconds' t, count(*) FROM health_seconds UNION ALL SELECT 'health_minutes', count(*) FROM health_minutes
      UNION ALL SELECT 'health_hours', count(*) FROM health_hours UNION ALL SELECT 'codes_node_minutes', count(*) FROM codes_node_minutes
      UNION ALL SELECT 'codes_cluster_minutes', count(*) FROM codes_cluster_minutes
      UNION ALL SELECT 'codes_route_minutes', count(*) FROM codes_route_minutes
      UNION ALL SELECT 'codes_consumer_route_minutes', count(*) FROM codes_consumer_route_minutes
      UNION ALL SELECT 'codes_consumer_route_hours', count(*) FROM codes_consumer_route_hours
      UNION ALL SELECT 'entity_traffic_minutes', count(*) FROM entity_traffic_minutes
      UNION ALL SELECT 'entity_traffic_hours', count(*) FROM entity_traffic_hours`),
  );
  console.log(
    `rows: ${(counts as unknown as { t: string; count: string }[]).map((r) => `${r.t}=${Number(r.count).toLocaleString("en")}`).join(", ")}`,
  );
}

/**
 * Stored quantiles as the app has them just before a maintenance pass (every 60 s): the pass a minute ago
 * filled every row closed by then, so the last ~66 s of node rows (and ~3 min of cluster rows) still read
 * histograms.
 */
function fillStaleQuantiles(db: Db, nowS: number): Promise<number> {
  return fillQuantiles(db, nowS - 60, retentionFromEnv());
}

type Result = { name: string; median: number; p95: number; min: number };

const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;

async function time(name: string, fn: () => Promise<unknown>): Promise<Result> {
  if (ONLY && !ONLY.test(name)) return { name, median: Number.NaN, p95: Number.NaN, min: Number.NaN };
  await fn();
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
  const r = { name, median: at(0.5), p95: at(0.95), min: samples[0] };
  process.stderr.write(`  … ${name}: median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms\n`);
  return r;
}

function print(title: string, results: Result[]): void {
  console.log(`\n${title}`);
  console.log(
    `${"query".padEnd(58)} ${"median ms".padStart(10)} ${"p95 ms".padStart(8)}  ≤${TARGET_MS} ms p95`,
  );
  for (const r of results.filter((x) => !Number.isNaN(x.median)))
    console.log(
      `${r.name.padEnd(58)} ${r.median.toFixed(1).padStart(10)} ${r.p95.toFixed(1).padStart(8)}  ${r.p95 <= TARGET_MS ? "yes" : "NO"}`,
    );
}

async function main(): Promise<void> {
  const reuse = process.env.BENCH_REUSE;
  const t = reuse ? null : await createTestDb("postgres", { max: 4 });
  const loader = t ? t.db : null;
  // The queries run on connections of their own, as a server's pool: on the backends that had just created
  // ~400 partitions and bulk-loaded them, the consumer×route breakdowns of one entity took 47–49 ms instead
  // of 19–20 (same database, same queries, in a run each).
  const db = createPostgresDb(t ? (t.url as string) : (reuse as string), { max: 4 });
  try {
    let nowMs = Date.now();
    if (loader) {
      await load(loader, Math.floor(nowMs / 1000));
      await closeDb(loader);
    } else {
      const [row] = (await db.execute(
        sql`SELECT extract(epoch from max(bucket_ts))::float8 AS ts FROM health_seconds`,
      )) as unknown as { ts: number }[];
      nowMs = (Number(row.ts) + 1) * 1000;
    }
    const nowS = Math.floor(nowMs / 1000);
    const ids = await lookupIds(db);
    const p = (preset: "1h" | "24h" | "7d" | "5m" | "6h"): RangeInput => ({ preset });
    const url = (q: string) => new URL(`http://x/?${q}`);

    const floor = await time("SELECT 1 (round trip)", () => db.execute(sql`SELECT 1`));
    const dashboard: Result[] = [];
    for (const preset of ["5m", "1h", "6h", "24h", "7d"] as const)
      dashboard.push(
        await time(`health cluster ${preset}`, () => getHealthSeries(db, { range: p(preset), nowMs })),
      );
    dashboard.push(
      await time("health node 1h", () => getHealthSeries(db, { range: p("1h"), nodeId: ids.node, nowMs })),
    );
    dashboard.push(
      await time("health node 24h", () => getHealthSeries(db, { range: p("24h"), nodeId: ids.node, nowMs })),
    );
    dashboard.push(
      await time("overlay lines, one node 1h", () =>
        getOverlaySeries(db, { range: p("1h"), nodeId: ids.nodes[1], nowMs }),
      ),
    );
    for (const preset of ["1h", "24h", "7d"] as const)
      dashboard.push(
        await time(`summary (+ previous) cluster ${preset}`, () =>
          getSummary(db, { range: p(preset), nowMs }),
        ),
      );
    dashboard.push(
      await time("summary node 24h", () => getSummary(db, { range: p("24h"), nodeId: ids.node, nowMs })),
    );
    for (const [label, entity] of [
      ["cluster", { kind: "cluster" as const }],
      ["node", { kind: "node" as const, id: ids.node }],
      ["service (top)", { kind: "service" as const, id: ids.service }],
      ["route (top)", { kind: "route" as const, id: ids.route }],
      ["consumer (top)", { kind: "consumer" as const, id: ids.consumer }],
      ["unmatched", { kind: "unmatched" as const }],
    ] as const) {
      dashboard.push(
        await time(`statusCodes ${label} 1h`, () =>
          getStatusCodeSeries(db, { range: p("1h"), entity, nowMs }),
        ),
      );
      dashboard.push(
        await time(`statusCodes ${label} 24h`, () =>
          getStatusCodeSeries(db, { range: p("24h"), entity, nowMs }),
        ),
      );
    }
    dashboard.push(
      await time("statusCodes service 7d", () =>
        getStatusCodeSeries(db, { range: p("7d"), entity: { kind: "service", id: ids.service }, nowMs }),
      ),
    );
    for (const kind of ["service", "route", "consumer"] as const) {
      dashboard.push(
        await time(`entities ${kind} 1h`, () => getEntityTable(db, { range: p("1h"), kind, nowMs })),
      );
      dashboard.push(
        await time(`entities ${kind} 24h`, () => getEntityTable(db, { range: p("24h"), kind, nowMs })),
      );
    }
    // The whole cluster's consumer×route top 10: no chart or table asks for it (the UI's breakdowns are an
    // entity page's, below; components/dashboard/inputs.ts consumerRoutesInput), only tRPC and CSV callers.
    const apiOnly: Result[] = [];
    apiOnly.push(
      await time("consumerRoutes all 1h", () => getConsumerRoutes(db, { range: p("1h"), limit: 10, nowMs })),
    );
    apiOnly.push(
      await time("consumerRoutes all 24h", () =>
        getConsumerRoutes(db, { range: p("24h"), limit: 10, nowMs }),
      ),
    );
    dashboard.push(
      await time("consumerRoutes consumer 24h", () =>
        getConsumerRoutes(db, { range: p("24h"), consumerId: ids.consumer, limit: 10, nowMs }),
      ),
    );
    dashboard.push(
      await time("consumerRoutes service 24h", () =>
        getConsumerRoutes(db, { range: p("24h"), serviceId: ids.service, limit: 10, nowMs }),
      ),
    );
    dashboard.push(
      await time("consumerRoutes route 24h", () =>
        getConsumerRoutes(db, { range: p("24h"), routeId: ids.route, limit: 10, nowMs }),
      ),
    );
    dashboard.push(await time("nodes table 1h", () => getNodeTable(db, { range: p("1h"), nowMs })));
    dashboard.push(await time("nodes table 24h", () => getNodeTable(db, { range: p("24h"), nowMs })));

    const vitals: Result[] = [];
    const q = (s: string) => parseVitalsQuery(url(s), { nowMs });
    const qc = (s: string) => parseVitalsQuery(url(s), { nowMs, allowed: ["minutes", "hours", "days"] });
    vitals.push(
      await time("/vitals/cluster?interval=seconds", () =>
        vitalsHealthJson(db, { level: "cluster", query: q("interval=seconds") }),
      ),
    );
    vitals.push(
      await time("/vitals/cluster?interval=minutes", () =>
        vitalsHealthJson(db, { level: "cluster", query: q("interval=minutes") }),
      ),
    );
    vitals.push(
      await time("/vitals/cluster?interval=hours", () =>
        vitalsHealthJson(db, { level: "cluster", query: q("interval=hours") }),
      ),
    );
    vitals.push(
      await time("/vitals/cluster?interval=seconds&percentiles=true", () =>
        vitalsHealthJson(db, { level: "cluster", query: q("interval=seconds&percentiles=true") }),
      ),
    );
    vitals.push(
      await time("/vitals/nodes?interval=seconds", () =>
        vitalsHealthJson(db, { level: "nodes", query: q("interval=seconds") }),
      ),
    );
    vitals.push(
      await time("/vitals/nodes?interval=minutes", () =>
        vitalsHealthJson(db, { level: "nodes", query: q("interval=minutes") }),
      ),
    );
    vitals.push(
      await time("/vitals/nodes/{id}?interval=minutes", () =>
        vitalsHealthJson(db, { level: "node", nodeId: ids.node, query: q("interval=minutes") }),
      ),
    );
    vitals.push(
      await time("/vitals/status_code_classes?interval=seconds", () =>
        getVitalsStatusCodeClasses(db, { query: q("interval=seconds") }),
      ),
    );
    vitals.push(
      await time("/vitals/status_code_classes?interval=minutes", () =>
        getVitalsStatusCodeClasses(db, { query: q("interval=minutes") }),
      ),
    );
    for (const [label, entity, id] of [
      ["by_service", "service", ids.service],
      ["by_route", "route", ids.route],
      ["by_consumer", "consumer", ids.consumer],
      ["by_consumer_and_route", "consumer_route", ids.consumer],
    ] as const)
      vitals.push(
        await time(`/vitals/status_codes/${label}?interval=minutes`, () =>
          getVitalsStatusCodes(db, { entity, rawId: id, query: qc("interval=minutes") }),
        ),
      );
    vitals.push(
      await time("/vitals/status_codes/by_service?interval=days", () =>
        getVitalsStatusCodes(db, { entity: "service", rawId: ids.service, query: qc("interval=days") }),
      ),
    );
    vitals.push(
      await time("/vitals/consumers/{id}/cluster?interval=minutes", () =>
        getVitalsConsumerRequests(db, { rawId: ids.consumer, query: qc("interval=minutes") }),
      ),
    );

    const from24 = Math.floor(nowS / 60) * 60 + 60 - 86400;
    const to24 = from24 + 86400;
    const codesOf = (table: string) =>
      time(`cluster codes 24h: ${table}`, () =>
        db.execute(sql`SELECT bucket_ts, status_code, sum(count) FROM ${sql.raw(table)}
          WHERE bucket_ts >= to_timestamp(${from24}) AND bucket_ts < to_timestamp(${to24}) GROUP BY 1, 2`),
      );
    const clusterCodes = await codesOf("codes_cluster_minutes");
    const nodeCodes = await codesOf("codes_node_minutes");
    const baselines: [Result, Result][] = [
      [
        await time("summary cluster 24h: tiered (hours + minute edges)", () =>
          aggregateHealth(db, {
            segments: segments("health", { from: from24, to: to24, interval: "minutes" }, { tiered: true }),
          }),
        ),
        await time("summary cluster 24h: minute rows only", () =>
          aggregateHealth(db, { segments: [{ level: "minutes", from: from24, to: to24 }] }),
        ),
      ],
      [clusterCodes, nodeCodes],
      [nodeCodes, await codesOf("codes_consumer_route_minutes")],
      await storedQuantilesBaseline(db, ids.node, nowMs),
      [
        await time("1h + 3 overlays as the overview asks (4 queries at once)", () =>
          Promise.all([
            getHealthSeries(db, { range: p("1h"), nowMs }),
            ...ids.nodes.slice(0, 3).map((nodeId) => getOverlaySeries(db, { range: p("1h"), nodeId, nowMs })),
          ]),
        ),
        await time("1h + 3 overlays: each overlay node's full series", () =>
          Promise.all([
            getHealthSeries(db, { range: p("1h"), nowMs }),
            ...ids.nodes.slice(0, 3).map((nodeId) => getHealthSeries(db, { range: p("1h"), nodeId, nowMs })),
          ]),
        ),
      ],
      [
        await time("nodes' last seen in the seconds: an index probe per node", () =>
          db.execute(sql`SELECT id, (SELECT max(bucket_ts) FROM health_seconds h WHERE h.node_id = n.id
            AND bucket_ts >= to_timestamp(${nowS - 3600}) AND bucket_ts < to_timestamp(${nowS + 60})) FROM nodes n`),
        ),
        await time("nodes' last seen in the seconds: grouping an hour of every node's rows", () =>
          db.execute(sql`SELECT node_id, max(bucket_ts) FROM health_seconds
            WHERE bucket_ts >= to_timestamp(${nowS - 3600}) AND bucket_ts < to_timestamp(${nowS + 60}) GROUP BY node_id`),
        ),
      ],
    ];

    console.log(
      `\n${RUNS} runs per query after 2 warm-ups; SELECT 1 round trip: median ${floor.median.toFixed(2)} ms`,
    );
    print("Dashboard (tRPC dashboard.* services)", dashboard);
    print("tRPC and CSV only, behind no chart (dashboard.consumerRoutes without an entity)", apiOnly);
    print("Vitals API (services behind /admin-api/vitals)", vitals);
    console.log("\nBaselines measured in the same run (median ms, ratio = second / first):");
    for (const [a, b] of baselines.filter(([a, b]) => !Number.isNaN(a.median + b.median)))
      console.log(
        `  ${a.name}: ${a.median.toFixed(1)}  vs  ${b.name}: ${b.median.toFixed(1)}  → ${(b.median / a.median).toFixed(2)}×`,
      );
    console.log("");
    // The target is the dashboard's (every chart and table); the Vitals API is Kong's contract, whose
    // `/vitals/nodes` returns every node's stored buckets (2.7 MB of JSON for an hour of seconds).
    for (const [label, group] of [
      ["dashboard charts and tables", dashboard],
      ["tRPC and CSV only", apiOnly],
      ["Vitals API", vitals],
    ] as const) {
      const ran = group.filter((x) => !Number.isNaN(x.median));
      const over = ran.filter((r) => r.p95 > TARGET_MS);
      if (ran.length === 0) continue;
      console.log(
        `${label}: ${ran.length - over.length}/${ran.length} queries within ${TARGET_MS} ms p95${over.length ? `; over: ${over.map((r) => r.name).join(", ")}` : ""}`,
      );
    }
  } finally {
    await closeDb(db);
    if (t && process.env.BENCH_KEEP === "1") {
      console.log(`kept ${t.url}`);
      process.exit(0); // the admin connection of createTestDb stays open for the kept database
    } else if (t) await t.close();
  }
}

/** One node's 1 h chart with stored quantiles (as loaded) against the same rows before maintenance filled them. */
async function storedQuantilesBaseline(db: Db, nodeId: string, nowMs: number): Promise<[Result, Result]> {
  const chart = () => getHealthSeries(db, { range: { preset: "1h" }, nodeId, nowMs });
  const stored = await time("health node 1h, stored quantiles", chart);
  await db.execute(sql`UPDATE health_seconds SET quantiles = NULL WHERE node_id = ${nodeId}::uuid`);
  const histograms = await time("health node 1h, every row's histograms", chart);
  await fillStaleQuantiles(db, Math.floor(nowMs / 1000));
  return [stored, histograms];
}

async function lookupIds(db: Db) {
  const one = async (q: string) => ((await db.execute(sql.raw(q))) as unknown as { id: string }[])[0].id;
  const nodes = (
    (await db.execute(
      sql.raw("SELECT md5('node'||i)::uuid::text AS id FROM generate_series(1,20) i"),
    )) as unknown as { id: string }[]
  ).map((r) => r.id);
  return {
    nodes,
    node: nodes[0],
    service: await one("SELECT md5('svc0')::uuid::text AS id"),
    route: await one("SELECT md5('route0')::uuid::text AS id"),
    consumer: await one("SELECT md5('consumer0')::uuid::text AS id"),
  };
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
