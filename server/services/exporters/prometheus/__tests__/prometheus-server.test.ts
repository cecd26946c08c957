import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as targetsRoute from "@/app/api/prometheus/targets/route";
import * as metricsRoute from "@/app/metrics/route";
import { createTestDb, type TestDb } from "@/db/testing";
import { serveRoutes, useTestDb } from "@/server/testing/http";
import { EXAMPLE, HTTP_ROUTE, MOCK } from "./seed-traffic";
import { ALL_FLAGS, enablePrometheus, ingest, NODE_A, NODE_B, request } from "./support";

const hasPrometheus = spawnSync("prometheus", ["--version"]).status === 0;
if (!hasPrometheus)
  console.warn(
    "prometheus not found: skipping the real-server test (apt-get install -y --no-install-recommends prometheus)",
  );

const CONNS = { active: 3, reading: 0, writing: 1, waiting: 2, accepted: 50, handled: 50, total: 80 };
const WAIT_MS = 40_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

type Sample = { metric: Record<string, string>; value: [number, string] };

describe.skipIf(!hasPrometheus)("a real Prometheus server scraping Gatewatch", () => {
  let t: TestDb;
  let app: { url: string; close(): Promise<void> };
  let prom: ChildProcess | undefined;
  let promUrl = "";
  let scratch = "";
  let ingesting = true;
  let loop: Promise<void> | undefined;

  async function query(expr: string): Promise<Sample[]> {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; data?: { result: Sample[] }; error?: string };
    if (body.status !== "success") throw new Error(`${expr}: ${body.error}`);
    return body.data?.result ?? [];
  }

  /** Polls until `ok` holds for the query's result, within WAIT_MS. */
  async function until(expr: string, ok: (r: Sample[]) => boolean): Promise<Sample[]> {
    const deadline = Date.now() + WAIT_MS;
    let last: Sample[] = [];
    while (Date.now() < deadline) {
      // Prometheus may still be starting (connection refused) on a loaded machine: keep polling.
      last = await query(expr).catch((err: Error) => {
        if (!String(err.cause ?? err).includes("ECONNREFUSED")) throw err;
        return [];
      });
      if (ok(last)) return last;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting on ${expr}; last result ${JSON.stringify(last)}`);
  }

  beforeAll(async () => {
    t = await createTestDb("pglite");
    useTestDb(t.db);
    await enablePrometheus(t.db, {}, ALL_FLAGS);
    app = await serveRoutes([
      { prefix: "/metrics", module: metricsRoute },
      { prefix: "/api/prometheus/targets", module: targetsRoute },
    ]);
    const appHost = new URL(app.url).host;
    // Traffic keeps flowing while Prometheus scrapes: counters must grow for rate() to be non-zero.
    let i = 0;
    loop = (async () => {
      while (ingesting) {
        i++;
        await ingest(
          t.db,
          i % 2 ? NODE_A : NODE_B,
          [
            request({
              service: MOCK,
              route: HTTP_ROUTE,
              latencies: { request: 20 + (i % 40), kong: 1 + (i % 6), proxy: 15 + (i % 30) },
            }),
            request({
              service: MOCK,
              route: HTTP_ROUTE,
              status: 404,
              latencies: { request: 3, kong: 1, proxy: 2 },
            }),
            request({
              service: EXAMPLE,
              route: HTTP_ROUTE,
              status: 500,
              latencies: { request: 300, kong: 4, proxy: 290 },
            }),
          ],
          { connections: CONNS, reachable: true },
        );
        await new Promise((r) => setTimeout(r, 400));
      }
    })();

    scratch = mkdtempSync(path.join(tmpdir(), "gw-prometheus-"));
    const config = path.join(scratch, "prometheus.yml");
    writeFileSync(
      config,
      `global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: gatewatch
    static_configs:
      - targets: ['${appHost}']
  - job_name: gatewatch-kong3
    params:
      format: [kong3]
    static_configs:
      - targets: ['${appHost}']
  - job_name: kong-nodes
    http_sd_configs:
      - url: ${app.url}/api/prometheus/targets
        refresh_interval: 1s
`,
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(
      "prometheus",
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(scratch, "tsdb")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let log = "";
    prom.stderr?.on("data", (d) => {
      log = (log + String(d)).slice(-4000);
    });
    prom.once("exit", (code) => {
      if (code) console.error(`prometheus exited with ${code}:\n${log}`);
    });
  }, 180_000);

  afterAll(async () => {
    ingesting = false;
    await loop;
    if (prom?.pid && prom.exitCode === null) {
      const exited = new Promise((r) => prom?.once("exit", r));
      process.kill(prom.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (prom.exitCode === null) process.kill(prom.pid, "SIGKILL");
    }
    await app?.close();
    await t?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it(
    "scrapes every view (up == 1) and discovers one target per node through http_sd",
    async () => {
      // Any successful scrape in the last 30 s per target: robust to one slow scrape on a busy machine.
      const up = await until("max_over_time(up[30s]) == 1", (r) => r.length >= 4);
      const jobs = up.map((s) => s.metric.job).sort();
      expect(jobs).toEqual(["gatewatch", "gatewatch-kong3", "kong-nodes", "kong-nodes"]);
      const hostnames = up
        .filter((s) => s.metric.job === "kong-nodes")
        .map((s) => s.metric.hostname)
        .sort();
      expect(hostnames).toEqual(["gw-a", "gw-b"]);
    },
    WAIT_MS + 10_000,
  );

  it(
    "rate() over kong_http_status and histogram_quantile() over kong_latency_bucket return values",
    async () => {
      const rates = await until('sum by (code) (rate(kong_http_status{job="gatewatch"}[12s]))', (r) =>
        r.some((s) => Number(s.value[1]) > 0),
      );
      expect(rates.map((s) => s.metric.code).sort()).toEqual(["200", "404", "500"]);
      const [p90] = await until(
        'histogram_quantile(0.9, sum(rate(kong_latency_bucket{job="gatewatch",type="request"}[12s])) by (le))',
        (r) => r.length === 1 && Number.isFinite(Number(r[0].value[1])),
      );
      // 1/3 of requests take 300 ms (the 200..300 bucket), so the 90th percentile lies inside it.
      expect(Number(p90.value[1])).toBeGreaterThan(200);
      expect(Number(p90.value[1])).toBeLessThanOrEqual(300);
      // Per node (http_sd): the two nodes together make the cluster.
      const perNode = await until(
        'sum by (hostname) (rate(kong_http_status{job="kong-nodes"}[12s]))',
        (r) => r.length === 2 && r.every((s) => Number(s.value[1]) > 0),
      );
      expect(perNode.map((s) => s.metric.hostname).sort()).toEqual(["gw-a", "gw-b"]);
    },
    WAIT_MS + 10_000,
  );

  it(
    "the Kong 3.x view feeds the queries of Kong's current dashboard",
    async () => {
      const total = await until('sum(rate(kong_http_requests_total{job="gatewatch-kong3"}[12s]))', (r) =>
        r.some((s) => Number(s.value[1]) > 0),
      );
      expect(total).toHaveLength(1);
      const [p95] = await until(
        'histogram_quantile(0.95, sum(rate(kong_request_latency_ms_bucket{job="gatewatch-kong3"}[12s])) by (le))',
        (r) => r.length === 1 && Number.isFinite(Number(r[0].value[1])),
      );
      expect(Number(p95.value[1])).toBeGreaterThan(250);
      expect(Number(p95.value[1])).toBeLessThanOrEqual(400);
      const conns = await until(
        'sum(kong_nginx_connections_total{job="gatewatch-kong3",state="total"})',
        (r) => r.length === 1,
      );
      expect(Number(conns[0].value[1])).toBe(2 * CONNS.total);
    },
    WAIT_MS + 10_000,
  );
});
