/**
 * npm run bench:ingest — events/s into ALL rollups over real HTTP, against baselines measured in the same
 * run on the same events (ingest-limits.md methodology):
 *   (a) POST /api/ingest (the real route handler behind node:http) → Postgres, K concurrent posters, bodies
 *       prepared on the ingest worker threads (prepare-pool.ts), and the same with INGEST_WORKERS=0;
 *   (b) the same into PGlite (in-process) in a fresh data directory, as `npm start` keeps it in ./.data, with
 *       the event loop's worst stall, and (b0) into an in-memory PGlite (the test suites' kind);
 *   (c) raw COPY FROM STDIN of the same events into a plain table (JS formatting included);
 *   (d) one INSERT per event, sequential autocommit (a 5k sample).
 * Events: 20 nodes, 200 services, 1,000 routes (Zipf), 5,000 consumers (Zipf, 10 % anonymous), status mix,
 * log-normal latencies (lib/simulator), 20k-event batches at a cluster event-time density of 10k ev/s.
 *
 * Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; a fresh database is
 * created and dropped), BENCH_BATCHES (default 24), BENCH_BATCH_SIZE (20000), BENCH_CONCURRENCY (4),
 * BENCH_SMALL_BATCHES (400 batches of 500 events, 32 posters: (e) with group commit, (e1) without).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import * as ingestRoute from "@/app/api/ingest/route";
import type { Db } from "@/db/client";
import { createTestDb } from "@/db/testing";
import {
  createCluster,
  generateRequest,
  generateStats,
  type NativeBatch,
  type NativeRequest,
} from "@/lib/simulator/cluster";
import { createRng } from "@/lib/simulator/random";
import { stopRuntime } from "@/server/runtime";
import { ingestQueueStats } from "@/server/services/ingest/ingest-queue";
import { stopPreparePool } from "@/server/services/ingest/prepare-pool";
import { serveRoutes, useTestDb } from "@/server/testing/http";
import { postAll } from "./harness";

const BASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const BATCHES = Number(process.env.BENCH_BATCHES ?? 24);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const PGLITE_BATCHES = Math.max(2, Math.floor(BATCHES / 3));
/** Small batches from many posters, as Kong's http-log sends them (a few hundred entries per flush). */
const SMALL_SIZE = 500;
const SMALL_BATCHES = Number(process.env.BENCH_SMALL_BATCHES ?? 400);
const SMALL_CONCURRENCY = 32;
const INSERT_SAMPLE = 5000;
const DENSITY = 10_000; // cluster events per second of event time

process.env.TEST_DATABASE_URL ??= BASE_URL;

function makeBatches(count: number, startS: number, tag: string, size = BATCH_SIZE): Buffer[] {
  const cluster = createCluster({ nodes: 20, services: 200, routesPerService: 5, consumers: 5000, seed: 11 });
  const rng = createRng(12345);
  const bodies: Buffer[] = [];
  const spanMs = (size / DENSITY) * 1000;
  for (let i = 0; i < count; i++) {
    const node = cluster.nodes[i % cluster.nodes.length];
    const t0 = startS * 1000 + i * spanMs;
    const requests = Array.from({ length: size }, (_, j) =>
      generateRequest(cluster, rng, Math.floor(t0 + (j * spanMs) / size)),
    );
    const stats = [];
    for (let s = Math.floor(t0 / 1000); s < Math.ceil((t0 + spanMs) / 1000); s++)
      stats.push(generateStats(rng, s, size / (spanMs / 1000)));
    const batch: NativeBatch = {
      batch_id: `bench-${tag}-${i}`,
      node: { id: node.id, hostname: node.hostname, version: node.version },
      requests,
      stats,
    };
    bodies.push(Buffer.from(JSON.stringify(batch)));
  }
  return bodies;
}

async function measureHttp(
  db: Db,
  bodies: Buffer[],
  warmup: Buffer,
  concurrency: number,
  workers: string | undefined,
  groupMax?: string,
) {
  // biome-ignore lint/correctness/useHookAtTopLevel: useTestDb points getDb() at a database; not a React hook
  useTestDb(db);
  await stopPreparePool(); // the pool reads INGEST_WORKERS when it starts
  if (workers === undefined) delete process.env.INGEST_WORKERS;
  else process.env.INGEST_WORKERS = workers;
  // a fresh database has a fresh ingest queue, which reads this when it starts
  if (groupMax === undefined) delete process.env.INGEST_GROUP_MAX_BODIES;
  else process.env.INGEST_GROUP_MAX_BODIES = groupMax;
  const server = await serveRoutes([{ prefix: "/api/ingest", module: ingestRoute }]);
  try {
    await postAll(server.url, [warmup], 1); // partitions, prepared statements, JIT
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const before = ingestQueueStats(db);
    const ms = await postAll(server.url, bodies, concurrency);
    loop.disable();
    const after = ingestQueueStats(db);
    const groups = after.groups - before.groups;
    return {
      ms,
      maxStallMs: loop.max / 1e6,
      p99StallMs: loop.percentile(99) / 1e6,
      bodiesPerGroup: (after.bodies - before.bodies) / Math.max(1, groups),
    };
  } finally {
    await server.close();
    // The runtime (observers, maintenance) binds to the db of its first use: restart it per database.
    await stopRuntime();
    await stopPreparePool();
  }
}

const RAW_DDL = `CREATE TABLE raw_events (started_at int8, node_id uuid, service_id uuid, route_id uuid,
  consumer_id uuid, status int2, req_size int4, resp_size int4, lat_request int4, lat_kong int4, lat_proxy int4)`;

function rawLine(e: NativeRequest, node: string): string {
  const n = (v: string | null | undefined) => v ?? "\\N";
  return `${e.started_at}\t${node}\t${n(e.service?.id)}\t${n(e.route?.id)}\t${n(e.consumer?.id)}\t${e.response.status}\t${e.request.size}\t${e.response.size}\t${e.latencies.request}\t${e.latencies.kong}\t${e.latencies.proxy}\n`;
}

async function copyRun(url: string, events: NativeRequest[], node: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(RAW_DDL);
    const started = performance.now();
    const stream = (await sql`COPY raw_events FROM STDIN`.writable()) as Writable;
    const CHUNK = 5000;
    await pipeline(
      (async function* () {
        for (let i = 0; i < events.length; i += CHUNK) {
          let text = "";
          for (let j = i; j < Math.min(events.length, i + CHUNK); j++) text += rawLine(events[j], node);
          yield text;
        }
      })(),
      stream,
    );
    return performance.now() - started;
  } finally {
    await sql.end();
  }
}

async function insertRun(url: string, events: NativeRequest[], node: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(RAW_DDL.replace("raw_events", "raw_inserts"));
    const started = performance.now();
    for (const e of events) {
      await sql`INSERT INTO raw_inserts VALUES (${e.started_at}, ${node}, ${e.service?.id ?? null},
        ${e.route?.id ?? null}, ${e.consumer?.id ?? null}, ${e.response.status}, ${e.request.size},
        ${e.response.size}, ${e.latencies.request}, ${e.latencies.kong}, ${e.latencies.proxy})`;
    }
    return performance.now() - started;
  } finally {
    await sql.end();
  }
}

/** The pool size asked for when the bench was started (unset = the default size). */
const WORKERS = process.env.INGEST_WORKERS;
const workersLabel = () => (WORKERS === undefined ? "default size" : `INGEST_WORKERS=${WORKERS}`);

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main() {
  const nowS = Math.floor(Date.now() / 1000);
  const spanS = (BATCHES * BATCH_SIZE) / DENSITY;
  console.log(
    `bench:ingest — ${BATCHES} batches × ${fmt(BATCH_SIZE)} events (PGlite ${PGLITE_BATCHES}), K=${CONCURRENCY} posters`,
  );
  const genStart = performance.now();
  const bodies = makeBatches(BATCHES, nowS - spanS - 120, "pg");
  const warm = makeBatches(1, nowS - spanS - 900, "warm")[0];
  const totalEvents = BATCHES * BATCH_SIZE;
  const mb = bodies.reduce((n, b) => n + b.length, 0) / 1e6;
  console.log(
    `generated ${fmt(totalEvents)} events, ${mb.toFixed(0)} MB JSON (${Math.round((mb * 1e6) / totalEvents)} B/event) in ${fmt(performance.now() - genStart)} ms`,
  );
  const node = "00000000-0000-4000-8000-000000000001";

  // The HTTP runs come first, while the bench holds only the bodies (Buffers, outside the JS heap): an
  // in-process server should not pay major GCs of the bench's own 480k event objects, which the baselines
  // need. Those get a database of their own, after.
  const pg = await createTestDb("postgres", { max: 10 });
  let httpPg: Awaited<ReturnType<typeof measureHttp>>;
  let httpPgInline: Awaited<ReturnType<typeof measureHttp>>;
  try {
    httpPg = await measureHttp(pg.db, bodies, warm, CONCURRENCY, WORKERS);
  } finally {
    await pg.close();
  }

  const inline = await createTestDb("postgres", { max: 10 });
  try {
    httpPgInline = await measureHttp(inline.db, bodies, warm, CONCURRENCY, "0");
  } finally {
    await inline.close();
  }

  // The product's embedded database is PGlite on disk (./.data): in memory, Emscripten's MEMFS copies a
  // growing relation file on every extension (expandFileStorage in a CPU profile), which disk files do not.
  const liteDir = await mkdtemp(path.join(tmpdir(), "gw-bench-pglite-"));
  const lite = await createTestDb("pglite", { dataDir: liteDir });
  let httpLite: Awaited<ReturnType<typeof measureHttp>>;
  try {
    httpLite = await measureHttp(lite.db, bodies.slice(0, PGLITE_BATCHES), warm, 2, WORKERS);
  } finally {
    await lite.close();
    await rm(liteDir, { recursive: true, force: true });
  }
  const memory = await createTestDb("pglite");
  let httpMemory: Awaited<ReturnType<typeof measureHttp>>;
  try {
    httpMemory = await measureHttp(memory.db, bodies.slice(0, PGLITE_BATCHES), warm, 2, WORKERS);
  } finally {
    await memory.close();
  }

  // (e) small batches through group commit, (e1) the same with every body in a transaction of its own.
  const small = makeBatches(
    SMALL_BATCHES,
    nowS - (SMALL_BATCHES * SMALL_SIZE) / DENSITY - 60,
    "small",
    SMALL_SIZE,
  );
  const smallRuns: Awaited<ReturnType<typeof measureHttp>>[] = [];
  for (const groupMax of [undefined, "1"]) {
    const smallDb = await createTestDb("postgres", { max: 10 });
    try {
      smallRuns.push(await measureHttp(smallDb.db, small, warm, SMALL_CONCURRENCY, WORKERS, groupMax));
    } finally {
      await smallDb.close();
    }
  }

  // The baselines read the same events, parsed from the bodies outside the timed part.
  const events = bodies.flatMap((b) => (JSON.parse(b.toString("utf8")) as NativeBatch).requests ?? []);
  let copyMs: number;
  let insertMs: number;
  const base = await createTestDb("postgres", { max: 2 });
  try {
    copyMs = await copyRun(base.url as string, events, node);
    insertMs = await insertRun(base.url as string, events.slice(0, INSERT_SAMPLE), node);
  } finally {
    await base.close();
  }

  const rate = (n: number, ms: number) => (n / ms) * 1000;
  const httpRate = rate(totalEvents, httpPg.ms);
  const copyRate = rate(totalEvents, copyMs);
  const insertRate = rate(INSERT_SAMPLE, insertMs);
  const liteRate = rate(PGLITE_BATCHES * BATCH_SIZE, httpLite.ms);
  const inlineRate = rate(totalEvents, httpPgInline.ms);
  console.log("");
  console.log("| path | events | ms | events/s |");
  console.log("|---|---:|---:|---:|");
  console.log(
    `| (a) HTTP → all rollups, Postgres, K=${CONCURRENCY} | ${fmt(totalEvents)} | ${fmt(httpPg.ms)} | ${fmt(httpRate)} |`,
  );
  console.log(
    `| (a0) same, INGEST_WORKERS=0 (prepared on the main thread) | ${fmt(totalEvents)} | ${fmt(httpPgInline.ms)} | ${fmt(inlineRate)} |`,
  );
  console.log(
    `| (b) HTTP → all rollups, PGlite in a data directory, K=2 | ${fmt(PGLITE_BATCHES * BATCH_SIZE)} | ${fmt(httpLite.ms)} | ${fmt(liteRate)} |`,
  );
  console.log(
    `| (b0) same, PGlite in memory | ${fmt(PGLITE_BATCHES * BATCH_SIZE)} | ${fmt(httpMemory.ms)} | ${fmt(rate(PGLITE_BATCHES * BATCH_SIZE, httpMemory.ms))} |`,
  );
  const smallEvents = SMALL_BATCHES * SMALL_SIZE;
  const [grouped, alone] = smallRuns.map((r) => rate(smallEvents, r.ms));
  console.log(
    `| (e) HTTP, ${SMALL_SIZE}-event batches, K=${SMALL_CONCURRENCY}, group commit | ${fmt(smallEvents)} | ${fmt(smallRuns[0].ms)} | ${fmt(grouped)} |`,
  );
  console.log(
    `| (e1) same, INGEST_GROUP_MAX_BODIES=1 (a transaction per body) | ${fmt(smallEvents)} | ${fmt(smallRuns[1].ms)} | ${fmt(alone)} |`,
  );
  console.log(
    `| (c) raw COPY FROM STDIN, plain table | ${fmt(totalEvents)} | ${fmt(copyMs)} | ${fmt(copyRate)} |`,
  );
  console.log(
    `| (d) one INSERT per event, autocommit | ${fmt(INSERT_SAMPLE)} | ${fmt(insertMs)} | ${fmt(insertRate)} |`,
  );
  console.log("");
  console.log(`HTTP/COPY   = ${(httpRate / copyRate).toFixed(2)}  (target ≥ 0.5)`);
  console.log(`HTTP/INSERT = ${(httpRate / insertRate).toFixed(1)}  (target ≥ 80)`);
  console.log(`PGlite      = ${fmt(liteRate)} ev/s  (target ≥ 50,000)`);
  console.log(
    `workers/inline = ${(httpRate / inlineRate).toFixed(2)}  (ingest worker pool: ${workersLabel()})`,
  );
  console.log(
    `group commit on ${SMALL_SIZE}-event batches: ${(grouped / alone).toFixed(2)}× a transaction per body (${smallRuns[0].bodiesPerGroup.toFixed(1)} bodies per transaction)`,
  );
  console.log(
    `group commit, bodies per transaction: Postgres ${httpPg.bodiesPerGroup.toFixed(2)} (inline ${httpPgInline.bodiesPerGroup.toFixed(2)}), PGlite ${httpLite.bodiesPerGroup.toFixed(2)}`,
  );
  console.log(
    `event-loop stall during ingest: Postgres max ${httpPg.maxStallMs.toFixed(0)} ms (p99 ${httpPg.p99StallMs.toFixed(0)}; inline max ${httpPgInline.maxStallMs.toFixed(0)}), PGlite max ${httpLite.maxStallMs.toFixed(0)} ms (p99 ${httpLite.p99StallMs.toFixed(0)})`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
