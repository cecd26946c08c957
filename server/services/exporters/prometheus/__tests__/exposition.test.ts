import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { renderMetrics } from "../metrics";
import { NODE_A_CONNECTIONS, seedTraffic } from "./seed-traffic";
import { NODE_A } from "./support";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe.each(testBackends())("exposition of a known set of requests on %s", (kind) => {
  let t: TestDb;
  const now = Date.now();
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedTraffic(t.db, now);
  });
  afterAll(() => t?.close());

  it("starts like Kong's worked example (kong-plugins §1a.6) and the plugin 0.1.0 docs", async () => {
    const text = await renderMetrics(t.db, { nowMs: now });
    expect(
      text.startsWith(`# HELP kong_bandwidth_total Total bandwidth in bytes for all proxied requests in Kong
# TYPE kong_bandwidth_total counter
kong_bandwidth_total{type="egress"} 1852
kong_bandwidth_total{type="ingress"} 465
# HELP kong_bandwidth Total bandwidth in bytes consumed per service in Kong
# TYPE kong_bandwidth counter
kong_bandwidth{type="egress",service="legacy-api"} 20
`),
    ).toBe(true);
    expect(text).toContain(`# HELP kong_http_status HTTP status codes per service in Kong
# TYPE kong_http_status counter
kong_http_status{code="200",service="legacy-api"} 1
kong_http_status{code="200",service="mock-service"} 3
`);
    expect(
      text,
    ).toContain(`# HELP kong_latency Latency added by Kong, total request time and upstream latency for each service in Kong
# TYPE kong_latency histogram
kong_latency_bucket{type="kong",service="backend.internal",le="00001.0"} 1
`);
    expect(text).toContain(`kong_latency_bucket{type="kong",service="mock-service",le="00001.0"} 1
kong_latency_bucket{type="kong",service="mock-service",le="00002.0"} 3
kong_latency_bucket{type="kong",service="mock-service",le="00005.0"} 4
`);
    expect(text.endsWith("kong_nginx_metric_errors_total 0\n")).toBe(true);
  });

  it("serves the exact legacy exposition for the cluster (every bucket, padded le, byte-wise order)", async () => {
    expect(await renderMetrics(t.db, { nowMs: now })).toBe(fixture("legacy-cluster.prom"));
  });

  it("serves the exact Kong 3.x exposition for the cluster", async () => {
    expect(await renderMetrics(t.db, { nowMs: now, format: "kong3" })).toBe(fixture("kong3-cluster.prom"));
  });

  it("serves one node as that node would, gauges from its own stats samples", async () => {
    const text = await renderMetrics(t.db, { nowMs: now, nodeId: NODE_A });
    expect(text).toBe(fixture("legacy-node-a.prom"));
    expect(text).toContain("kong_datastore_reachable 1\n");
    expect(text).toContain(
      `kong_nginx_http_current_connections{state="total"} ${NODE_A_CONNECTIONS.total}\n`,
    );
  });

  it("drops gauges of nodes that went silent from the cluster view", async () => {
    const later = now + 10 * 60_000;
    const text = await renderMetrics(t.db, { nowMs: later });
    expect(text).not.toContain("kong_datastore_reachable");
    expect(text).not.toContain("kong_nginx_http_current_connections");
    expect(text).toContain('kong_http_status{code="200",service="mock-service"} 3\n');
  });
});
