import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as adminApiRoute from "@/app/admin-api/[[...path]]/route";
import * as targetsRoute from "@/app/api/prometheus/targets/route";
import * as metricsRoute from "@/app/metrics/route";
import { closeDb, createPostgresDb } from "@/db/client";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { serveRoutes, useTestDb } from "@/server/testing/http";
import { type MetricsListener, startMetricsListener } from "../listener";
import { seedTraffic } from "./seed-traffic";
import { NODE_A, NODE_B } from "./support";

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

describe.each(testBackends())("metrics over HTTP (%s)", (kind) => {
  let t: TestDb;
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    t = await createTestDb(kind);
    useTestDb(t.db);
    await seedTraffic(t.db, Date.now());
    server = await serveRoutes([
      { prefix: "/metrics", module: metricsRoute },
      { prefix: "/api/prometheus/targets", module: targetsRoute },
      { prefix: "/admin-api", module: adminApiRoute, catchAll: true },
    ]);
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });
  afterEach(() => {
    delete process.env.METRICS_TOKEN;
    useTestDb(t.db);
  });

  it("GET /metrics and GET /admin-api/metrics serve the same exposition with the 0.0.4 content type", async () => {
    const [main, admin] = await Promise.all([
      fetch(`${server.url}/metrics`),
      fetch(`${server.url}/admin-api/metrics`),
    ]);
    expect(main.status).toBe(200);
    expect(main.headers.get("content-type")).toBe(CONTENT_TYPE);
    expect(admin.status).toBe(200);
    expect(admin.headers.get("content-type")).toBe(CONTENT_TYPE);
    const body = await main.text();
    expect(body).toContain('kong_http_status{code="200",service="mock-service"} 3\n');
    expect(await admin.text()).toBe(body);
  });

  it("?format=kong3 and ?node= select the view", async () => {
    const kong3 = await (await fetch(`${server.url}/metrics?format=kong3`)).text();
    expect(kong3).toContain("# TYPE kong_http_requests_total counter\n");
    const nodeB = await (await fetch(`${server.url}/metrics?node=${NODE_B}`)).text();
    expect(nodeB).toContain('kong_http_status{code="200",service="mock-service"} 1\n');
    expect(nodeB).toContain("kong_datastore_reachable 0\n");
  });

  it("names the bad parameter in a 400 and answers 404 for an unknown node", async () => {
    const badFormat = await fetch(`${server.url}/metrics?format=kong4`);
    expect(badFormat.status).toBe(400);
    expect(await badFormat.json()).toEqual({ message: "format: expected one of legacy, kong3" });
    const badNode = await fetch(`${server.url}/metrics?node=gw-1`);
    expect(badNode.status).toBe(400);
    expect(await badNode.json()).toEqual({ message: "node: expected a node id (uuid)" });
    const unknown = await fetch(`${server.url}/metrics?node=00000000-0000-4000-8000-0000000000ff`);
    expect(unknown.status).toBe(404);
  });

  it("requires the bearer token when METRICS_TOKEN is set", async () => {
    process.env.METRICS_TOKEN = "s3cret";
    for (const path of ["/metrics", "/admin-api/metrics", "/api/prometheus/targets"]) {
      const none = await fetch(`${server.url}${path}`);
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toContain("Bearer");
      const wrong = await fetch(`${server.url}${path}`, { headers: { authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${server.url}${path}`, { headers: { authorization: "Bearer s3cret" } });
      expect(right.status).toBe(200);
    }
  });

  it("answers Prometheus http_sd with one target per live node", async () => {
    const res = await fetch(`${server.url}/api/prometheus/targets`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const host = new URL(server.url).host;
    expect(await res.json()).toEqual([
      { targets: [host], labels: { __metrics_path__: "/metrics", __param_node: NODE_A, hostname: "gw-a" } },
      { targets: [host], labels: { __metrics_path__: "/metrics", __param_node: NODE_B, hostname: "gw-b" } },
    ]);
  });

  it("answers 503 with Retry-After when the database is down", async () => {
    const dead = createPostgresDb("postgres://postgres@127.0.0.1:9/none", { max: 1 });
    useTestDb(dead);
    try {
      for (const path of ["/metrics", "/api/prometheus/targets"]) {
        const res = await fetch(`${server.url}${path}`);
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
      }
    } finally {
      await closeDb(dead);
    }
  });
});

describe("METRICS_PORT listener", () => {
  let t: TestDb;
  let listener: MetricsListener;
  beforeAll(async () => {
    t = await createTestDb("pglite");
    useTestDb(t.db);
    await seedTraffic(t.db, Date.now());
    listener = await startMetricsListener(0, "127.0.0.1");
  });
  afterAll(async () => {
    await listener?.close();
    await t?.close();
  });

  it("serves /metrics (with its query parameters) and nothing else", async () => {
    const base = `http://127.0.0.1:${listener.port}`;
    const res = await fetch(`${base}/metrics?format=kong3`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(CONTENT_TYPE);
    expect(await res.text()).toContain("kong_http_requests_total{");
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics?node=x`)).status).toBe(400);
  });
});
