import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, createPgliteDb, createPostgresDb, type Db } from "@/db/client";
import { migrate } from "@/db/migrate";
import { createTestDb, type TestDb } from "@/db/testing";
import { renderMetrics } from "../metrics";
import { HTTP_ROUTE, MOCK } from "./seed-traffic";
import { ALL_FLAGS, enablePrometheus, ingest, NODE_A, NODE_B, request } from "./support";

const statusLine = (text: string) =>
  /kong_http_status\{code="200",service="mock-service"\} (\d+)/.exec(text)?.[1];

describe("counters survive a restart (file-backed PGlite)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gw-prom-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves the same numbers from a new process-like handle and keeps counting up", async () => {
    const first = await createPgliteDb(dir);
    await migrate(first);
    await enablePrometheus(first, {}, ALL_FLAGS);
    await ingest(first, NODE_A, [
      request({ service: MOCK, route: HTTP_ROUTE }),
      request({ service: MOCK, route: HTTP_ROUTE }),
    ]);
    const before = await renderMetrics(first);
    expect(statusLine(before)).toBe("2");
    await closeDb(first);

    const second = await createPgliteDb(dir);
    try {
      await migrate(second);
      expect(await renderMetrics(second)).toBe(before);
      await ingest(second, NODE_A, [request({ service: MOCK, route: HTTP_ROUTE })]);
      expect(statusLine(await renderMetrics(second))).toBe("3");
    } finally {
      await closeDb(second);
    }
  }, 180_000); // two file-backed PGlite starts and migrations
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("several Gatewatch instances on one PostgreSQL", () => {
  let t: TestDb;
  let handles: Db[] = [];
  beforeAll(async () => {
    t = await createTestDb("postgres");
    handles = [0, 1, 2, 3].map(() => createPostgresDb(t.url!, { max: 2 }));
  });
  afterAll(async () => {
    for (const h of handles) await closeDb(h);
    await t?.close();
  });

  it("concurrent ingesters on overlapping series add up exactly, and every instance serves the same text", async () => {
    await enablePrometheus(t.db, {}, ALL_FLAGS);
    const rounds = 8;
    // Each instance ingests batches from both nodes touching the same series, in different orders.
    await Promise.all(
      handles.map(async (db, i) => {
        for (let r = 0; r < rounds; r++) {
          const node = (i + r) % 2 === 0 ? NODE_A : NODE_B;
          const reqs = [
            request({ service: MOCK, route: HTTP_ROUTE }),
            request({
              service: MOCK,
              route: HTTP_ROUTE,
              status: 500,
              latencies: { request: 90, kong: 9, proxy: 80 },
            }),
            request({ service: { id: MOCK.id, name: MOCK.name }, route: HTTP_ROUTE, status: 200 }),
          ];
          await ingest(db, node, i % 2 === 0 ? reqs : reqs.reverse());
        }
      }),
    );
    const texts = await Promise.all(handles.map((db) => renderMetrics(db)));
    for (const text of texts) expect(text).toBe(texts[0]);
    expect(statusLine(texts[0])).toBe(String(handles.length * rounds * 2));
    expect(texts[0]).toContain(
      `kong_http_status{code="500",service="mock-service"} ${handles.length * rounds}\n`,
    );
    expect(texts[0]).toContain(
      `kong_latency_count{type="request",service="mock-service"} ${handles.length * rounds * 3}\n`,
    );
    // The cluster is the sum of the nodes.
    const [a, b] = await Promise.all([
      renderMetrics(handles[0], { nodeId: NODE_A }),
      renderMetrics(handles[1], { nodeId: NODE_B }),
    ]);
    expect(Number(statusLine(a)) + Number(statusLine(b))).toBe(handles.length * rounds * 2);
  });
});
