import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { pruneDeletedInstances } from "../counters";
import { renderMetrics } from "../metrics";
import { ALICE, EXAMPLE, HTTP_ROUTE, LEGACY_API, MOCK } from "./seed-traffic";
import {
  ALL_FLAGS,
  deletePlugin,
  enablePrometheus,
  ingest,
  NODE_A,
  request,
  setPluginConfig,
  setPluginEnabled,
} from "./support";

const CONNS = { active: 1, reading: 0, writing: 1, waiting: 0, accepted: 8, handled: 8, total: 8 };

describe.each(testBackends())("which traffic counts (%s)", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await t.db.execute(sql`DELETE FROM plugins`);
    await t.db.execute(sql`UPDATE config_version SET version = version + 1`);
    await t.db.execute(sql`DELETE FROM prometheus_requests`);
    await t.db.execute(sql`DELETE FROM prometheus_latency`);
  });

  const traffic = () =>
    ingest(t.db, NODE_A, [
      request({ service: MOCK, route: HTTP_ROUTE }),
      request({ service: EXAMPLE, route: HTTP_ROUTE, status: 500 }),
      request({ api: LEGACY_API, status: 404 }),
    ]);
  const legacy = () => renderMetrics(t.db);

  it("exports nothing but node gauges and the error counter without an enabled instance", async () => {
    await ingest(t.db, NODE_A, [request({ service: MOCK, route: HTTP_ROUTE })], {
      connections: CONNS,
      reachable: true,
    });
    const text = await legacy();
    expect(text).not.toContain("kong_http_status");
    expect(text).toContain("kong_datastore_reachable 1\n");
    expect(text).toContain("kong_nginx_metric_errors_total 0\n");
    // Kong 3.2+ hides the shared-dict series, the error counter included, when no instance exists (§1b.2).
    const kong3 = await renderMetrics(t.db, { format: "kong3" });
    expect(kong3).not.toContain("kong_nginx_metric_errors_total");
    expect(kong3).toContain("kong_node_info{");
  });

  it("counts from the moment the instance is enabled, only what it covers", async () => {
    await traffic(); // before: not counted
    await enablePrometheus(t.db, { serviceId: MOCK.id });
    await traffic();
    await traffic();
    const text = await legacy();
    expect(text).toContain('kong_http_status{code="200",service="mock-service"} 2\n');
    expect(text).toContain('kong_http_status_total{code="200"} 2\n');
    expect(text).not.toContain("example.com");
    expect(text).not.toContain("legacy-api");
    expect(text).not.toContain('code="500"');
  });

  it("a global instance covers everything; legacy API traffic is labelled by the API name", async () => {
    await enablePrometheus(t.db);
    await traffic();
    const text = await legacy();
    expect(text).toContain('kong_http_status{code="200",service="mock-service"} 1\n');
    expect(text).toContain('kong_http_status{code="404",service="legacy-api"} 1\n');
    expect(text).toContain('kong_http_status{code="500",service="example.com"} 1\n');
  });

  it("disabling or deleting an instance removes its series; re-enabling shows what it counted", async () => {
    const id = await enablePrometheus(t.db, { serviceId: MOCK.id });
    await traffic();
    expect(await legacy()).toContain('service="mock-service"');
    await setPluginEnabled(t.db, id, false);
    await traffic(); // not covered while disabled
    let text = await legacy();
    expect(text).not.toContain("mock-service");
    expect(text).not.toContain("kong_http_status");
    await setPluginEnabled(t.db, id, true);
    text = await legacy();
    expect(text).toContain('kong_http_status{code="200",service="mock-service"} 1\n');
    await deletePlugin(t.db, id);
    expect(await legacy()).not.toContain("mock-service");
    const kept = await enablePrometheus(t.db, { serviceId: EXAMPLE.id });
    await traffic();
    await pruneDeletedInstances(t.db);
    const rows = await queryRows<{ plugin_id: string }>(
      t.db,
      sql`SELECT DISTINCT plugin_id::text AS plugin_id FROM prometheus_requests
          UNION SELECT DISTINCT plugin_id::text FROM prometheus_latency`,
    );
    expect(rows).toEqual([{ plugin_id: kept }]);
  });

  it("applies Kong's precedence: the most specific enabled instance takes the request", async () => {
    const global = await enablePrometheus(t.db, {}, { status_code_metrics: true });
    const onService = await enablePrometheus(t.db, { serviceId: MOCK.id }, { status_code_metrics: true });
    await traffic();
    // Deleting the service instance removes exactly the traffic it took: the global one never saw it.
    await deletePlugin(t.db, onService);
    let text = await legacy();
    expect(text).not.toContain("mock-service");
    expect(text).toContain('service="example.com"');
    // Now the global instance covers the service, from this moment.
    await traffic();
    text = await legacy();
    expect(text).toContain('kong_http_status{code="200",service="mock-service"} 1\n');
    expect(text).toContain('kong_http_status{code="500",service="example.com"} 2\n');
    await setPluginEnabled(t.db, global, false);
    expect(await legacy()).not.toContain("kong_http_status");
  });

  it("?format=kong3 honours each instance's flags", async () => {
    await enablePrometheus(t.db, { serviceId: MOCK.id }, { status_code_metrics: true });
    await enablePrometheus(
      t.db,
      { serviceId: EXAMPLE.id },
      { latency_metrics: true, bandwidth_metrics: true },
    );
    await ingest(t.db, NODE_A, [
      request({ service: MOCK, route: HTTP_ROUTE, consumer: ALICE }),
      request({ service: EXAMPLE, route: HTTP_ROUTE, consumer: ALICE }),
    ]);
    const text = await renderMetrics(t.db, { format: "kong3" });
    // per_consumer is off: the consumer label is present and empty.
    expect(text).toContain(
      'kong_http_requests_total{service="mock-service",route="http-route",code="200",source="service",workspace="default",consumer=""} 1\n',
    );
    expect(text).not.toMatch(/kong_http_requests_total\{service="example.com"/);
    expect(text).not.toMatch(/kong_bandwidth_bytes\{service="mock-service"/);
    expect(text).not.toMatch(/latency_ms_count\{service="mock-service"/);
    expect(text).toContain(
      'kong_bandwidth_bytes{service="example.com",route="http-route",direction="egress",workspace="default",consumer=""} 400\n',
    );
    expect(text).toContain(
      'kong_kong_latency_ms_count{service="example.com",route="http-route",workspace="default"} 1\n',
    );
    // Legacy has no flags: both services are there.
    const legacyText = await legacy();
    expect(legacyText).toContain('kong_http_status{code="200",service="example.com"} 1\n');
    expect(legacyText).toContain('kong_http_status{code="200",service="mock-service"} 1\n');
  });

  it("per_consumer fills the consumer label with the username, from the moment it is on", async () => {
    const id = await enablePrometheus(t.db, {}, { ...ALL_FLAGS, per_consumer: false });
    await ingest(t.db, NODE_A, [request({ service: MOCK, route: HTTP_ROUTE, consumer: ALICE })]);
    await setPluginConfig(t.db, id, { per_consumer: true });
    await ingest(t.db, NODE_A, [request({ service: MOCK, route: HTTP_ROUTE, consumer: ALICE })]);
    const text = await renderMetrics(t.db, { format: "kong3" });
    const line = (consumer: string) =>
      `kong_http_requests_total{service="mock-service",route="http-route",code="200",source="service",workspace="default",consumer="${consumer}"} 1\n`;
    expect(text).toContain(line(""));
    expect(text).toContain(line("alice"));
  });
});
