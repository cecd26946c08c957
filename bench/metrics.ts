/**
 * npm run bench:metrics — time to render a 50k-series Prometheus scrape, against prom-client building the
 * same series in the same run (ingest-limits §F: 14k counters + 2k histograms × 15 buckets).
 *   (a) renderExposition: columnar input (pre-escaped label strings + numeric arrays) → text, steady state
 *       (the series set of the previous scrape: the byte-wise sort order is reused);
 *   (a') the same with a series set the renderer has not seen (full byte-wise sort), e.g. the first scrape;
 *   (b) prom-client 15 `registry.metrics()` on a registry holding the same series and values;
 *   (c) build + render: the legacy families built from per-instance totals (what /metrics does after its two
 *       SELECTs), for a label set of the same size;
 *   (d) end to end: renderMetrics(db) against PostgreSQL (BENCH_DATABASE_URL, default the local server) or
 *       PGlite when that is unreachable, with the same counters stored in prometheus_requests/_latency.
 * Prints median and p95 per variant and the per-pair ratio prom-client / ours. No assertions: figures only.
 */
import { randomUUID } from "node:crypto";
import { Counter, Histogram, Registry } from "prom-client";
import { createTestDb, type TestDb } from "@/db/testing";
import { enablePrometheus } from "@/server/services/exporters/prometheus/__tests__/support";
import { buildLegacyFamilies, type ExpositionInput } from "@/server/services/exporters/prometheus/build";
import {
  type LatencyCounter,
  type RequestCounter,
  writeCounters,
} from "@/server/services/exporters/prometheus/counters";
import { UNION_BUCKETS, unionBucketOf } from "@/server/services/exporters/prometheus/families";
import { renderMetrics } from "@/server/services/exporters/prometheus/metrics";
import { type Family, renderExposition } from "@/server/services/exporters/prometheus/render";

const COUNTERS = 14_000;
const HISTOGRAMS = 2_000;
const BOUNDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000]; // + +Inf = 15 buckets
const WARMUP = 5;
const PAIRS = Number(process.env.BENCH_PAIRS ?? 30);

const CODES = ["200", "201", "204", "301", "302", "400", "401", "403", "404", "500"];
const services = Array.from(
  { length: COUNTERS / CODES.length },
  (_, i) => `service-${String(i).padStart(5, "0")}`,
);

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function p95(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}
const fmt = (ms: number) => ms.toFixed(1).padStart(7);

/** The same series and values, once as columnar families, once in a prom-client registry. */
function buildInputs() {
  const counterLabels: string[] = [];
  const counterValues: number[] = [];
  const promCounterArgs: [{ code: string; service: string }, number][] = [];
  let v = 1;
  for (const service of services)
    for (const code of CODES) {
      counterLabels.push(`code="${code}",service="${service}"`);
      const value = (v++ * 7919) % 100_000;
      counterValues.push(value);
      promCounterArgs.push([{ code, service }, value]);
    }
  const histLabels: string[] = [];
  const width = BOUNDS.length + 1;
  const buckets = new Float64Array(HISTOGRAMS * width);
  const counts: number[] = [];
  const sums: number[] = [];
  const observations: [{ type: string; service: string }, number[]][] = [];
  for (let h = 0; h < HISTOGRAMS; h++) {
    const type = h % 2 === 0 ? "request" : "upstream";
    const service = services[h >> 1];
    histLabels.push(`type="${type}",service="${service}"`);
    // one observation at each bound, plus (h % 5) overflow observations: every bucket differs
    const values = [...BOUNDS, ...Array.from({ length: h % 5 }, () => 60_000)];
    let cumulative = 0;
    for (let k = 0; k < BOUNDS.length; k++) buckets[h * width + k] = ++cumulative;
    buckets[h * width + BOUNDS.length] = values.length;
    counts.push(values.length);
    sums.push(values.reduce((a, b) => a + b, 0));
    observations.push([{ type, service }, values]);
  }
  const families: Family[] = [
    {
      type: "counter",
      name: "http_status",
      help: "HTTP status codes per service in Kong",
      labels: counterLabels,
      values: counterValues,
    },
    {
      type: "histogram",
      name: "latency",
      help: "Latency added by Kong, total request time and upstream latency for each service in Kong",
      le: [...BOUNDS.map(String), "+Inf"],
      labels: histLabels,
      buckets,
      counts,
      sums,
    },
  ];
  const registry = new Registry();
  const counter = new Counter({
    name: "kong_http_status",
    help: "HTTP status codes per service in Kong",
    labelNames: ["code", "service"],
    registers: [registry],
  });
  for (const [labels, value] of promCounterArgs) counter.inc(labels, value);
  const histogram = new Histogram({
    name: "kong_latency",
    help: "Latency added by Kong, total request time and upstream latency for each service in Kong",
    labelNames: ["type", "service"],
    buckets: BOUNDS,
    registers: [registry],
  });
  for (const [labels, values] of observations) for (const x of values) histogram.observe(labels, x);
  return { families, registry };
}

/** Per-instance totals giving about the same number of legacy series (for variant c). */
function buildTotals(): ExpositionInput {
  const pluginId = randomUUID();
  const requests: ExpositionInput["requests"] = [];
  const legacyServices = services.slice(0, 1150);
  for (const service of legacyServices)
    for (const code of CODES)
      requests.push({
        pluginId,
        kind: "service",
        service,
        route: "r",
        workspace: "default",
        consumer: "",
        code: Number(code),
        source: "service",
        requests: 3,
        bytesIn: 100,
        bytesOut: 1000,
      });
  const latency: ExpositionInput["latency"] = [];
  for (const service of services.slice(0, 400)) {
    const hist = new Array(UNION_BUCKETS).fill(0).map((_, i) => i % 3);
    latency.push({
      pluginId,
      kind: "service",
      service,
      route: "r",
      workspace: "default",
      hist: [hist, hist, hist],
      sum: [100, 200, 300],
      count: [30, 30, 30],
    });
  }
  return { instances: [{ id: pluginId, config: {} }], requests, latency, nodes: [] };
}

async function timePairs(a: () => unknown, b: () => Promise<unknown>) {
  const ta: number[] = [];
  const tb: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < WARMUP + PAIRS; i++) {
    const s1 = performance.now();
    a();
    const e1 = performance.now();
    await b();
    const e2 = performance.now();
    if (i < WARMUP) continue;
    ta.push(e1 - s1);
    tb.push(e2 - e1);
    ratios.push((e2 - e1) / (e1 - s1));
  }
  return { ta, tb, ratios };
}

async function endToEnd(): Promise<void> {
  process.env.TEST_DATABASE_URL ??=
    process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  let t: TestDb;
  try {
    t = await createTestDb("postgres");
  } catch {
    t = await createTestDb("pglite");
  }
  try {
    const pluginId = await enablePrometheus(t.db);
    const nodeId = randomUUID();
    const requests: RequestCounter[] = [];
    for (const service of services.slice(0, 1150))
      for (const code of CODES)
        requests.push({
          seriesId: randomUUID(),
          pluginId,
          nodeId,
          kind: "service",
          service,
          route: "r",
          workspace: "default",
          consumer: "",
          code: Number(code),
          source: "service",
          requests: 3,
          bytesIn: 100,
          bytesOut: 1000,
        });
    const latency: LatencyCounter[] = services.slice(0, 400).map((service) => {
      const hist = new Array(UNION_BUCKETS).fill(0);
      for (const ms of [1, 7, 30, 90, 300, 1000, 70000]) hist[unionBucketOf(ms)]++;
      return {
        seriesId: randomUUID(),
        pluginId,
        nodeId,
        kind: "service",
        service,
        route: "r",
        workspace: "default",
        hist: [hist, hist, hist],
        sum: [71428, 71428, 71428],
        count: [7, 7, 7],
      };
    });
    await t.db.transaction(async (tx) => writeCounters(tx as never, { requests, latency }));
    const times: number[] = [];
    let lines = 0;
    for (let i = 0; i < WARMUP + 15; i++) {
      const s = performance.now();
      const text = await renderMetrics(t.db);
      const e = performance.now();
      lines = text.split("\n").length - 1;
      if (i >= WARMUP) times.push(e - s);
    }
    console.log(
      `(d) renderMetrics(db) on ${t.kind}, ${lines.toLocaleString("en")} lines: median ${fmt(median(times))} ms, p95 ${fmt(p95(times))} ms`,
    );
  } finally {
    await t.close();
  }
}

async function main() {
  const { families, registry } = buildInputs();
  const ours = renderExposition(families);
  const theirs = await registry.metrics();
  const series = ours.split("\n").filter((l) => l && !l.startsWith("#")).length;
  const theirSeries = theirs.split("\n").filter((l) => l && !l.startsWith("#")).length;
  console.log(
    `series: ours ${series.toLocaleString("en")} (${(ours.length / 1e6).toFixed(2)} MB), prom-client ${theirSeries.toLocaleString("en")} (${(theirs.length / 1e6).toFixed(2)} MB)`,
  );
  const { ta, tb, ratios } = await timePairs(
    () => renderExposition(families),
    () => registry.metrics(),
  );
  console.log(
    `(a) renderExposition       median ${fmt(median(ta))} ms  p95 ${fmt(p95(ta))} ms  (${PAIRS} runs)`,
  );
  console.log(`(b) prom-client metrics()  median ${fmt(median(tb))} ms  p95 ${fmt(p95(tb))} ms`);
  console.log(
    `    ratio prom-client/ours per pair: median ${median(ratios).toFixed(2)}×  [p5..p95 ${[...ratios].sort((x, y) => x - y)[Math.floor(ratios.length * 0.05)].toFixed(2)}..${p95(ratios).toFixed(2)}]`,
  );
  const cold: number[] = [];
  for (let i = 0; i < WARMUP + PAIRS; i++) {
    // A rotated copy is a series set the order cache has not seen: the full byte-wise sort runs.
    const rotated = families.map((f) => {
      const k = (i * 7919) % f.labels.length;
      if (f.type !== "counter") return { ...f, labels: [...f.labels.slice(k), ...f.labels.slice(0, k)] };
      const values = Array.from(f.values);
      return {
        ...f,
        labels: [...f.labels.slice(k), ...f.labels.slice(0, k)],
        values: [...values.slice(k), ...values.slice(0, k)],
      };
    });
    const s = performance.now();
    renderExposition(rotated);
    if (i >= WARMUP) cold.push(performance.now() - s);
  }
  console.log(
    `(a') renderExposition, unseen series set (full sort): median ${fmt(median(cold))} ms  p95 ${fmt(p95(cold))} ms`,
  );
  const totals = buildTotals();
  const legacySeries = renderExposition(buildLegacyFamilies(totals))
    .split("\n")
    .filter((l) => l && !l.startsWith("#")).length;
  const built: number[] = [];
  for (let i = 0; i < WARMUP + PAIRS; i++) {
    const s = performance.now();
    renderExposition(buildLegacyFamilies(totals));
    if (i >= WARMUP) built.push(performance.now() - s);
  }
  console.log(
    `(c) build legacy families + render, ${legacySeries.toLocaleString("en")} series: median ${fmt(median(built))} ms  p95 ${fmt(p95(built))} ms`,
  );
  await endToEnd();
  console.log(
    `target: (a) <= 20 ms and >= 4x faster than prom-client → ${median(ta) <= 20 && median(ratios) >= 4 ? "MET" : "NOT MET"}`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
