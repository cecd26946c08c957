import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as adminApi from "@/app/admin-api/[[...path]]/route";
import * as ingestRoute from "@/app/api/ingest/route";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { createCluster, type NativeBatch } from "@/lib/simulator/cluster";
import { TrafficDriver } from "@/lib/simulator/driver";
import { stopRuntime } from "@/server/runtime";
import { serveRoutes, useTestDb } from "@/server/testing/http";

/**
 * Issue #2 "must show", end to end over HTTP: 100k simulated events through POST /api/ingest, then the
 * Vitals API must agree with an oracle computed from exactly what was sent.
 */
type Oracle = {
  requests: number;
  perNode: Map<string, number>;
  perSecond: Map<
    number,
    { requests: number; kong: number[]; upstream: number[]; hits: number; misses: number }
  >;
};

function buildOracle(batches: NativeBatch[]): Oracle {
  const oracle: Oracle = { requests: 0, perNode: new Map(), perSecond: new Map() };
  const second = (ts: number) => {
    let s = oracle.perSecond.get(ts);
    if (!s) {
      s = { requests: 0, kong: [], upstream: [], hits: 0, misses: 0 };
      oracle.perSecond.set(ts, s);
    }
    return s;
  };
  for (const b of batches) {
    oracle.perNode.set(b.node.id, (oracle.perNode.get(b.node.id) ?? 0) + b.requests.length);
    for (const r of b.requests) {
      oracle.requests++;
      const s = second(Math.floor(r.started_at / 1000));
      s.requests++;
      s.kong.push(r.latencies.kong);
      if (r.latencies.proxy >= 0) s.upstream.push(r.latencies.proxy);
    }
    for (const st of b.stats) {
      const s = second(st.at);
      s.hits += st.cache_datastore_hits;
      s.misses += st.cache_datastore_misses;
    }
  }
  return oracle;
}

const stats = (values: number[]) =>
  values.length === 0
    ? [null, null, null]
    : [
        Math.min(...values),
        Math.max(...values),
        Math.round(values.reduce((a, b) => a + b, 0) / values.length),
      ];

describe.each(testBackends())("ingest → Vitals on %s (100k simulated events)", (kind) => {
  let t: TestDb;
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  const cluster = createCluster({ nodes: 5, seed: 7 });
  const idleNode = cluster.nodes[4];
  const driver = new TrafficDriver(cluster, { rps: 2500, silentAfter: 20, runId: "acc" });
  const start = Math.floor(Date.now() / 1000) - 900;
  const batches: NativeBatch[] = [];
  for (let s = start; batches.reduce((n, b) => n + b.requests.length, 0) < 100_000; s++)
    batches.push(...driver.batchesFor(s));
  const end = Math.max(...batches.flatMap((b) => b.stats.map((s) => s.at))) + 1;
  const oracle = buildOracle(batches);

  const post = (body: unknown) =>
    fetch(`${server.url}/api/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const vitals = async (path: string) => {
    const res = await fetch(`${server.url}/admin-api/vitals/${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as {
      meta: Record<string, unknown>;
      stats: Record<string, Record<string, (number | null)[]>>;
    };
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    useTestDb(t.db);
    server = await serveRoutes([
      { prefix: "/api/ingest", module: ingestRoute },
      { prefix: "/admin-api", module: adminApi, catchAll: true },
    ]);
    const queue = [...batches];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let b = queue.shift(); b; b = queue.shift()) {
          const res = await post(b);
          expect(res.status).toBe(200);
        }
      }),
    );
  }, 600_000);
  afterAll(async () => {
    await stopRuntime();
    await server?.close();
    await t?.close();
  });

  it("cluster totals equal the events sent, second by second, with exact min/max/avg", async () => {
    expect(oracle.requests).toBeGreaterThanOrEqual(100_000);
    const body = await vitals(`cluster?interval=seconds&start_ts=${start}&end_ts=${end}`);
    const cluster = body.stats.cluster;
    let total = 0;
    for (const [ts, row] of Object.entries(cluster)) {
      const expected = oracle.perSecond.get(Number(ts));
      expect(expected, `bucket ${ts}`).toBeDefined();
      if (!expected) continue;
      total += row[6] as number;
      const [kMin, kMax, kAvg] = stats(expected.kong);
      const [uMin, uMax, uAvg] = stats(expected.upstream);
      expect(row).toEqual([
        expected.hits,
        expected.misses,
        kMin,
        kMax,
        uMin,
        uMax,
        expected.requests,
        kAvg,
        uAvg,
      ]);
    }
    expect(total).toBe(oracle.requests);
  });

  it("node sums equal the cluster, and the idle node has null latency", async () => {
    const body = await vitals(`nodes?interval=seconds&start_ts=${start}&end_ts=${end}`);
    let sum = 0;
    for (const [nodeId, series] of Object.entries(body.stats)) {
      const requests = Object.values(series).reduce((n, row) => n + (row[6] as number), 0);
      expect(requests).toBe(oracle.perNode.get(nodeId) ?? 0);
      sum += requests;
    }
    expect(sum).toBe(oracle.requests);
    const idle = Object.values(body.stats[idleNode.id] ?? {});
    expect(idle.length).toBeGreaterThan(0);
    for (const row of idle) {
      expect(row[6]).toBe(0);
      expect([row[2], row[3], row[4], row[5], row[7], row[8]]).toEqual([null, null, null, null, null, null]);
    }
  });

  it("a retried batch is acknowledged and not counted twice", async () => {
    const res = await post(batches[10]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: false });
    const body = await vitals(`cluster?interval=minutes&start_ts=${start - 60}&end_ts=${end + 60}`);
    const total = Object.values(body.stats.cluster).reduce((n, row) => n + (row[6] as number), 0);
    expect(total).toBe(oracle.requests);
  });

  it("a bad batch counts nothing and names its bad fields", async () => {
    const bad = structuredClone(batches[20]);
    bad.batch_id = "acc:bad";
    (bad.requests[3].response as { status: unknown }).status = "teapot";
    (bad.requests[5].latencies as { kong: unknown }).kong = "fast";
    const res = await post(bad);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain("requests[3].response.status");
    expect(text).toContain("requests[5].latencies.kong");
    const body = await vitals(`cluster?interval=minutes&start_ts=${start - 60}&end_ts=${end + 60}`);
    const total = Object.values(body.stats.cluster).reduce((n, row) => n + (row[6] as number), 0);
    expect(total).toBe(oracle.requests);
  });
});
