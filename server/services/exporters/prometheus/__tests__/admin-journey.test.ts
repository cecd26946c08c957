import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as adminApiRoute from "@/app/admin-api/[[...path]]/route";
import * as ingestRoute from "@/app/api/ingest/route";
import * as metricsRoute from "@/app/metrics/route";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { stopRuntime } from "@/server/runtime";
import { serveRoutes, useTestDb } from "@/server/testing/http";
import { NODE_A, request } from "./support";

/**
 * Kong's docs flow with the base URL changed: enable the plugin on one service through the Admin API, send
 * traffic through the public ingest endpoint, scrape /metrics; then disable the plugin.
 */
describe.each(testBackends())("enable on one service, scrape, disable (%s)", (kind) => {
  let t: TestDb;
  let app: { url: string; close(): Promise<void> };
  let orders = "";
  let billing = "";
  let seq = 0;

  const form = (body: Record<string, string>) => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body).toString(),
  });
  const admin = (path: string, init?: RequestInit) => fetch(`${app.url}/admin-api${path}`, init);
  const metrics = async () => (await fetch(`${app.url}/metrics`)).text();
  async function traffic() {
    const res = await fetch(`${app.url}/api/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        batch_id: `journey-${kind}-${++seq}`,
        node: { id: NODE_A, hostname: "gw-a", version: "3.9.3" },
        requests: [
          request({ service: { id: orders, name: "orders", host: "orders.internal" } }),
          request({ service: { id: billing, name: "billing", host: "billing.internal" }, status: 503 }),
        ],
        stats: [],
      }),
    });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    t = await createTestDb(kind);
    useTestDb(t.db);
    // The ingest route takes its observers from the process runtime (server/runtime.ts), started on this db.
    await stopRuntime();
    app = await serveRoutes([
      { prefix: "/admin-api", module: adminApiRoute, catchAll: true },
      { prefix: "/api/ingest", module: ingestRoute },
      { prefix: "/metrics", module: metricsRoute },
    ]);
    for (const [name, host] of [
      ["orders", "orders.internal"],
      ["billing", "billing.internal"],
    ]) {
      const res = await admin("/services", form({ name, host }));
      expect(res.status).toBe(201);
      const id = ((await res.json()) as { id: string }).id;
      if (name === "orders") orders = id;
      else billing = id;
    }
  });
  afterAll(async () => {
    await app?.close();
    await stopRuntime();
    await t?.close();
  });

  it("exports only the service the plugin is enabled on, and nothing once it is disabled", async () => {
    await traffic(); // before the plugin: not counted
    const created = await admin("/services/orders/plugins", form({ name: "prometheus" }));
    expect(created.status).toBe(201);
    const plugin = (await created.json()) as { id: string };
    await traffic();
    await traffic();
    let text = await metrics();
    expect(text).toContain('kong_http_status{code="200",service="orders"} 2\n');
    expect(text).toContain('kong_http_status_total{code="200"} 2\n');
    expect(text).not.toContain("billing");
    expect(text).not.toContain('code="503"');

    const disabled = await admin(`/plugins/${plugin.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ enabled: false }),
    });
    expect(disabled.status).toBe(200);
    await traffic();
    text = await metrics();
    expect(text).not.toContain("kong_http_status");
    expect(text).not.toContain("orders");
    expect(text).toContain("kong_nginx_metric_errors_total 0\n");
  });
});
