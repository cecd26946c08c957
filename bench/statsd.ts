/**
 * npm run bench:statsd — ingest throughput with a statsd plugin instance covering all traffic against none,
 * measured in the same run on the same kind of events (issue #6; target ratio ≥ 0.8).
 *
 * The harness is bench:ingest's: POST /api/ingest (the real route handler behind node:http) into a fresh
 * database, K concurrent posters, simulator events (lib/simulator). The StatsD observer is installed in the
 * process runtime as in production. Runs alternate "none" (no statsd plugin) and "statsd" (a global plugin
 * with Kong's default config: 13 metrics, one datagram per line, queue defaults) so that drift of a busy
 * machine hits both alike. The StatsD server is a UDP sink in a child process that counts what arrives.
 *
 * Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; a fresh database is created
 * and dropped), BENCH_BACKEND (postgres | pglite, default postgres), BENCH_ROUNDS (4), BENCH_BATCHES per run
 * (4), BENCH_BATCH_SIZE (10000), BENCH_CONCURRENCY (4; 2 on PGlite), BENCH_STATSD_CONFIG (JSON merged into
 * the plugin config, e.g. '{"udp_packet_size":1400,"queue":{"max_batch_size":1000}}').
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as ingestRoute from "@/app/api/ingest/route";
import type { Db } from "@/db/client";
import { statsdDelivery } from "@/db/schema";
import { createTestDb } from "@/db/testing";
import { createCluster, generateRequest, generateStats, type NativeBatch } from "@/lib/simulator/cluster";
import { createRng } from "@/lib/simulator/random";
import { persistStatsdDelivery } from "@/server/services/exporters/statsd/delivery";
import { createStatsdObserver } from "@/server/services/exporters/statsd/observer";
import { createPlugin, deletePlugin } from "@/server/services/plugins/plugins";
import { serveRoutes, useTestDb } from "@/server/testing/http";
import { postAll } from "./harness";

const BASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const BACKEND = process.env.BENCH_BACKEND === "pglite" ? "pglite" : "postgres";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 4);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? (BACKEND === "pglite" ? 2 : 4));
const EXTRA_CONFIG = JSON.parse(process.env.BENCH_STATSD_CONFIG ?? "{}") as Record<string, unknown>;
const DENSITY = 10_000; // cluster events per second of event time

process.env.TEST_DATABASE_URL ??= BASE_URL;

const SINK = `
const s = require("dgram").createSocket("udp4");
let datagrams = 0, lines = 0;
s.on("message", (m) => { datagrams++; for (const b of m) if (b === 10) lines++; lines++; });
s.bind(0, "127.0.0.1", () => process.send({ port: s.address().port }));
process.on("message", () => process.send({ datagrams, lines }));
`;

type Sink = { port: number; child: ChildProcess; counts(): Promise<{ datagrams: number; lines: number }> };

async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, ["-e", SINK], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) =>
    child.once("message", (m) => resolve((m as { port: number }).port)),
  );
  return {
    port,
    child,
    counts: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve(m as { datagrams: number; lines: number }));
        child.send("count");
      }),
  };
}

let batchSeq = 0;
function makeBodies(count: number, startS: number): Buffer[] {
  const cluster = createCluster({ nodes: 20, services: 200, routesPerService: 5, consumers: 5000, seed: 11 });
  const rng = createRng(1000 + batchSeq);
  const bodies: Buffer[] = [];
  const spanMs = (BATCH_SIZE / DENSITY) * 1000;
  for (let i = 0; i < count; i++) {
    const node = cluster.nodes[i % cluster.nodes.length];
    const t0 = startS * 1000 + i * spanMs;
    const requests = Array.from({ length: BATCH_SIZE }, (_, j) =>
      generateRequest(cluster, rng, Math.floor(t0 + (j * spanMs) / BATCH_SIZE)),
    );
    const stats = [];
    for (let s = Math.floor(t0 / 1000); s < Math.ceil((t0 + spanMs) / 1000); s++)
      stats.push(generateStats(rng, s, BATCH_SIZE / (spanMs / 1000)));
    const batch: NativeBatch = {
      batch_id: `bench-statsd-${batchSeq++}`,
      node: { id: node.id, hostname: node.hostname, version: node.version },
      requests,
      stats,
    };
    bodies.push(Buffer.from(JSON.stringify(batch)));
  }
  return bodies;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main() {
  const sink = await startSink();
  const test = await createTestDb(BACKEND, { max: 10 });
  const db: Db = test.db;
  // biome-ignore lint/correctness/useHookAtTopLevel: a test-harness helper named like a hook, not a React hook.
  useTestDb(db);
  const observer = createStatsdObserver({ db });
  // The process runtime as production wires it (server/runtime.ts): the ingest route reads its observers.
  globalThis.__gatewatchRuntime = Promise.resolve({ db, observers: [observer], stop: () => observer.stop() });
  const server = await serveRoutes([{ prefix: "/api/ingest", module: ingestRoute }]);
  const config = { host: "127.0.0.1", port: sink.port, ...EXTRA_CONFIG };
  console.log(
    `bench:statsd — ${BACKEND}, ${ROUNDS} rounds × 2 runs × ${BATCHES} batches × ${fmt(BATCH_SIZE)} events, K=${CONCURRENCY}; statsd config ${JSON.stringify(config)}`,
  );
  const nowS = Math.floor(Date.now() / 1000);
  const spanS = (ROUNDS * 2 * BATCHES * BATCH_SIZE) / DENSITY;
  let cursor = nowS - spanS - 300;
  const nextBodies = (n: number) => {
    const bodies = makeBodies(n, cursor);
    cursor += (n * BATCH_SIZE) / DENSITY;
    return bodies;
  };
  const totals = { none: { events: 0, ms: 0, cpuMs: 0 }, statsd: { events: 0, ms: 0, cpuMs: 0 } };
  const pairRatios: number[] = [];
  const rows: string[] = [];
  let pluginId: string | null = null;
  try {
    await postAll(server.url, nextBodies(1), 1); // partitions, prepared statements, JIT
    for (let round = 0; round < ROUNDS; round++) {
      const roundRate = { none: 0, statsd: 0 };
      for (const mode of round % 2 === 0 ? (["none", "statsd"] as const) : (["statsd", "none"] as const)) {
        if (mode === "statsd") {
          pluginId = (await createPlugin(db, { name: "statsd", config })).id as string;
        }
        const bodies = nextBodies(BATCHES);
        const cpu0 = process.cpuUsage();
        const ms = await postAll(server.url, bodies, CONCURRENCY);
        const cpu = process.cpuUsage(cpu0);
        const cpuMs = (cpu.user + cpu.system) / 1000;
        const events = BATCHES * BATCH_SIZE;
        totals[mode].events += events;
        totals[mode].ms += ms;
        totals[mode].cpuMs += cpuMs;
        roundRate[mode] = (events / ms) * 1000;
        rows.push(
          `| ${round + 1} | ${mode} | ${fmt(events)} | ${fmt(ms)} | ${fmt((events / ms) * 1000)} | ${fmt(cpuMs)} |`,
        );
        if (pluginId) {
          // Let the sender drain before the next run, so that a run never pays for the previous one.
          await observer.flush();
          await deletePlugin(db, pluginId);
          pluginId = null;
        }
        // The same pause after every run, so that neither mode gets the other's idle time.
        await new Promise((r) => setTimeout(r, 1_000));
      }
      pairRatios.push(roundRate.statsd / roundRate.none);
    }
  } finally {
    await server.close();
    await observer.stop();
    await persistStatsdDelivery(db).catch(() => {});
  }
  const received = await sink.counts();
  const rate = (t: { events: number; ms: number }) => (t.events / t.ms) * 1000;
  console.log("");
  console.log("| round | statsd | events | ms | events/s | process CPU ms |");
  console.log("|---|---|---:|---:|---:|---:|");
  for (const r of rows) console.log(r);
  console.log("");
  console.log(`none:   ${fmt(rate(totals.none))} ev/s`);
  console.log(`statsd: ${fmt(rate(totals.statsd))} ev/s`);
  const sorted = [...pairRatios].sort((a, b) => a - b);
  const median =
    (sorted[Math.floor((sorted.length - 1) / 2)] + sorted[Math.ceil((sorted.length - 1) / 2)]) / 2;
  console.log(
    `ratio statsd/none = ${(rate(totals.statsd) / rate(totals.none)).toFixed(2)} over all runs, median of rounds ${median.toFixed(2)} (per round: ${pairRatios.map((r) => r.toFixed(2)).join(", ")})  (target ≥ 0.8)`,
  );
  console.log(
    `process CPU per 10k events: none ${fmt((totals.none.cpuMs / totals.none.events) * 1e4)} ms, statsd ${fmt((totals.statsd.cpuMs / totals.statsd.events) * 1e4)} ms (statsd's CPU includes draining its queue while ingest runs)`,
  );
  let sent = 0;
  let dropped = 0;
  for (const r of await db.select().from(statsdDelivery)) {
    sent += r.sentLines;
    dropped += r.droppedLines;
  }
  console.log(
    `StatsD delivery: ${fmt(sent)} lines sent, ${fmt(dropped)} dropped (queue overflow), sink received ${fmt(received.lines)} lines in ${fmt(received.datagrams)} datagrams`,
  );
  sink.child.kill();
  await test.close();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
