import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/db/testing";
import { renderMetrics } from "../metrics";
import { seedTraffic } from "./seed-traffic";
import { NODE_A } from "./support";

const hasPromtool = spawnSync("promtool", ["--version"]).status === 0;
if (!hasPromtool)
  console.warn(
    "promtool not found: skipping `promtool check metrics` (apt-get install -y --no-install-recommends prometheus)",
  );

/** promtool reads stdin only; exit 0 = clean, 3 = lint findings (on stderr), 1 = parse error (peers §1). */
function check(text: string): { status: number | null; findings: string[] } {
  const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  const findings = `${r.stdout}${r.stderr}`
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
  return { status: r.status, findings };
}

describe.skipIf(!hasPromtool)("promtool check metrics", () => {
  let t: TestDb;
  const now = Date.now();
  beforeAll(async () => {
    t = await createTestDb("pglite");
    await seedTraffic(t.db, now);
  });
  afterAll(() => t?.close());

  it("legacy: no parse error, only Kong's own naming lints", async () => {
    for (const nodeId of [undefined, NODE_A]) {
      const { status, findings } = check(await renderMetrics(t.db, { nowMs: now, nodeId }));
      expect(status).toBe(3);
      expect(findings).toEqual([
        'kong_bandwidth counter metrics should have "_total" suffix',
        'kong_http_status counter metrics should have "_total" suffix',
        'kong_latency_total non-counter metrics should not have "_total" suffix',
      ]);
    }
  });

  it("kong3: no parse error, only Kong's own naming lints", async () => {
    const { status, findings } = check(await renderMetrics(t.db, { nowMs: now, format: "kong3" }));
    expect(status).toBe(3);
    expect(findings).toEqual([
      'kong_bandwidth_bytes counter metrics should have "_total" suffix',
      "kong_kong_latency_ms metric names should not contain abbreviated units",
      'kong_nginx_connections_total non-counter metrics should not have "_total" suffix',
      'kong_nginx_requests_total non-counter metrics should not have "_total" suffix',
      "kong_request_latency_ms metric names should not contain abbreviated units",
      "kong_upstream_latency_ms metric names should not contain abbreviated units",
    ]);
  });

  it("the checker bites: a broken exposition is a parse error", () => {
    expect(check('kong_http_status{code="200" 1\n').status).toBe(1);
  });
});
