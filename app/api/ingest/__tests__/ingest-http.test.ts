import { createServer, type Server, Socket } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as kongRoute from "@/app/api/ingest/kong/route";
import * as ingestRoute from "@/app/api/ingest/route";
import { closeDb, createPostgresDb, queryRows } from "@/db/client";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { stopRuntime } from "@/server/runtime";
import { ALL_TABLES, simulate, snapshot } from "@/server/services/ingest/__tests__/oracle";
import { foldHour } from "@/server/services/rollups/maintenance";
import { serveRoutes, useTestDb } from "@/server/testing/http";

const NODE_ID = "9a0b7c1d-0000-4000-8000-0000000000f1";
const SERVICE_ID = "9a0b7c1d-0000-4000-8000-0000000000a1";
const ROUTE_ID = "9a0b7c1d-0000-4000-8000-0000000000b1";
const CONSUMER_ID = "9a0b7c1d-0000-4000-8000-0000000000c1";
const WS_ID = "9a0b7c1d-0000-4000-8000-0000000000d1";
const LATE_SERVICE_ID = "9a0b7c1d-0000-4000-8000-0000000000a3";
const LATE_NODE_ID = "9a0b7c1d-0000-4000-8000-0000000000f2";

/** What Kong 3.x http-log posts for one request (trimmed to the fields Gatewatch reads, plus some noise). */
function kongEntry(startedAt: number, status: number, proxy: number) {
  return {
    started_at: startedAt,
    client_ip: "10.0.0.7",
    upstream_uri: "/orders",
    service: { id: SERVICE_ID, name: "orders-edge", host: "orders.internal", port: 80, protocol: "http" },
    route: { id: ROUTE_ID, name: "orders-v1", paths: ["/orders"] },
    consumer: { id: CONSUMER_ID, username: "alice", custom_id: "c-42" },
    workspace: WS_ID,
    workspace_name: "edge-ws",
    request: { size: 312, method: "GET", uri: "/orders", headers: {} },
    response: { status, size: 1840, headers: {} },
    latencies: { request: 57, kong: 3, proxy },
  };
}

async function sumRequests(t: TestDb, table: string): Promise<number> {
  const [r] = await queryRows<{ n: string | null }>(t.db, sql.raw(`SELECT sum(requests) AS n FROM ${table}`));
  return Number(r.n ?? 0);
}

describe.each(testBackends())("POST /api/ingest on %s", (kind) => {
  let t: TestDb;
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await stopRuntime(); // the runtime (observers, maintenance) binds to the db of its first use
    useTestDb(t.db);
    server = await serveRoutes([
      { prefix: "/api/ingest/kong", module: kongRoute },
      { prefix: "/api/ingest", module: ingestRoute },
    ]);
  });
  afterAll(async () => {
    await server?.close();
    await stopRuntime();
    await t?.close();
  });
  afterEach(() => {
    delete process.env.INGEST_TOKEN;
    delete process.env.INGEST_MAX_BODY_BYTES;
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("acknowledges a batch after commit, and a repeated batch_id without counting it again", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const { raw } = simulate({
      seed: 5,
      startS: nowS - 20,
      seconds: 1,
      perSecond: 30,
      nodes: 1,
      tag: "http",
    });
    const batch = raw[0];
    const first = await post("/api/ingest", batch);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      batch_id: batch.batch_id,
      accepted: true,
      events: batch.requests.length,
      stats: 1,
      skipped: {},
    });
    const again = await post("/api/ingest", batch);
    expect(again.status).toBe(200);
    expect((await again.json()).accepted).toBe(false);
    expect(await sumRequests(t, "health_seconds")).toBe(batch.requests.length);
  });

  it("rejects a bad batch whole with 400 naming every bad field, and changes no table", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const { raw } = simulate({ seed: 6, startS: nowS - 10, seconds: 1, perSecond: 30, nodes: 1, tag: "bad" });
    const batch = structuredClone(raw[0]) as unknown as {
      node: Record<string, unknown>;
      requests: Record<string, Record<string, unknown>>[];
      stats: Record<string, unknown>[];
    };
    batch.requests.push(structuredClone(batch.requests[0]), structuredClone(batch.requests[0]));
    const n = batch.requests.length;
    batch.requests[1].response.status = 42;
    batch.requests[n - 1].latencies.proxy = "slow";
    batch.requests[n - 2].service = { id: "not-a-uuid" };
    batch.node.id = 7;
    batch.stats[0].cache_datastore_hits = -1;
    const before = await snapshot(t.db, ALL_TABLES);
    const [batchesBefore] = await queryRows<{ n: string }>(
      t.db,
      sql`SELECT count(*) AS n FROM ingest_batches`,
    );
    const res = await post("/api/ingest", batch);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.message).toMatch(/^invalid batch: /);
    expect(body.errors).toEqual([
      { path: "node.id", message: "expected a uuid" },
      { path: "requests[1].response.status", message: "expected integer 100–999" },
      { path: `requests[${n - 2}].service.id`, message: "expected a uuid" },
      { path: `requests[${n - 1}].latencies.proxy`, message: "expected number of ms >= 0, or -1" },
      { path: "stats[0].cache_datastore_hits", message: "expected integer >= 0" },
    ]);
    expect(await snapshot(t.db, ALL_TABLES)).toEqual(before);
    const [batchesAfter] = await queryRows<{ n: string }>(
      t.db,
      sql`SELECT count(*) AS n FROM ingest_batches`,
    );
    expect(batchesAfter.n).toEqual(batchesBefore.n);

    const notJson = await post("/api/ingest", "{nope");
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).errors).toEqual([{ path: "(body)", message: "invalid JSON" }]);
  });

  it("counts late events of a folded hour once, in the hour tables (the rows are rebuilt off the worker)", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const hour = nowS - (nowS % 3600) - 3 * 3600;
    const late = (id: string, at: number, n: number) => ({
      batch_id: id,
      node: { id: LATE_NODE_ID, hostname: "late-node" },
      requests: Array.from({ length: n }, (_, i) => ({
        started_at: at * 1000 + i,
        service: { id: LATE_SERVICE_ID, name: "late-edge" },
        response: { status: 504 },
        latencies: { request: 30, kong: 2, proxy: 28 },
      })),
      stats: [],
    });
    expect((await post("/api/ingest", late("late-http-1", hour + 60, 5))).status).toBe(200);
    await foldHour(t.db, hour); // false when the runtime's maintenance folded the hour first: the same for what follows
    expect((await post("/api/ingest", late("late-http-2", hour + 120, 7))).status).toBe(200);
    const count = async (table: string) => {
      const [r] = await queryRows<{ n: string | null }>(
        t.db,
        sql`SELECT sum(count) AS n FROM ${sql.raw(table)} WHERE status_code = 504
            AND bucket_ts >= to_timestamp(${hour}) AND bucket_ts < to_timestamp(${hour + 3600})`,
      );
      return Number(r.n ?? 0);
    };
    // The late batch never reaches the minute rows of a folded hour (the first one may, if it beat the fold).
    expect([0, 5]).toContain(await count("codes_route_minutes"));
    expect(await count("codes_route_hours")).toBe(12);
    expect(await count("codes_node_hours")).toBe(12);
  });

  it("takes Kong http-log entries, single and batched, with the node from the query or headers", async () => {
    const before = await sumRequests(t, "health_minutes");
    const nowMs = Date.now() - 5000;
    const single = await post(
      `/api/ingest/kong?node_id=${NODE_ID}&hostname=kong-1`,
      kongEntry(nowMs, 200, 52),
    );
    expect(single.status).toBe(200);
    expect(await single.json()).toMatchObject({ batch_id: null, accepted: true, events: 1 });
    const array = await post(
      "/api/ingest/kong",
      [kongEntry(nowMs, 201, 40), kongEntry(nowMs + 1, 401, -1), kongEntry(nowMs + 2, 502, 10)],
      { "x-gatewatch-node-id": NODE_ID, "x-gatewatch-hostname": "kong-1" },
    );
    expect(array.status).toBe(200);
    expect((await array.json()).events).toBe(3);
    expect((await sumRequests(t, "health_minutes")) - before).toBe(4);
    const [h] = await queryRows<{ uc: string; pc: string; s4: string; s5: string }>(
      t.db,
      sql`SELECT sum(ulat_count) AS uc, sum(plat_count) AS pc, sum(status_4xx) AS s4, sum(status_5xx) AS s5
          FROM health_minutes WHERE node_id = ${NODE_ID}`,
    );
    // latencies.proxy = -1 (Kong answered itself): counted in requests and codes, not in upstream latency
    expect(h).toEqual({ uc: "3", pc: "4", s4: "1", s5: "1" });
    const [c] = await queryRows<{ n: string }>(
      t.db,
      sql`SELECT sum(count) AS n FROM codes_consumer_route_minutes WHERE consumer_id = ${CONSUMER_ID} AND route_id = ${ROUTE_ID}`,
    );
    expect(c.n).toBe("4");
    const [svc] = await queryRows<{ name: string; discovered: boolean }>(
      t.db,
      sql`SELECT name, discovered FROM services WHERE id = ${SERVICE_ID}`,
    );
    expect(svc).toEqual({ name: "orders-edge", discovered: true });
    // A discovered id whose name another service already has is registered without a name.
    const clash = "9a0b7c1d-0000-4000-8000-0000000000a2";
    const entry = { ...kongEntry(nowMs, 200, 5), service: { id: clash, name: "orders-edge", host: "x" } };
    expect((await post(`/api/ingest/kong?node_id=${NODE_ID}`, entry)).status).toBe(200);
    const [other] = await queryRows<{ name: string | null }>(
      t.db,
      sql`SELECT name FROM services WHERE id = ${clash}`,
    );
    expect(other).toEqual({ name: null });
    const [ws] = await queryRows<{ name: string }>(
      t.db,
      sql`SELECT name FROM workspaces WHERE id = ${WS_ID}`,
    );
    expect(ws.name).toBe("edge-ws");

    const bad = await post("/api/ingest/kong", [
      kongEntry(nowMs, 200, 1),
      { ...kongEntry(nowMs, 200, 1), response: {} },
    ]);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([
      { path: "node_id", message: "required (query node_id or header x-gatewatch-node-id)" },
      { path: "[1].response.status", message: "expected integer 100–999" },
    ]);
  });

  it("answers 413 above INGEST_MAX_BODY_BYTES and 401 without the INGEST_TOKEN bearer", async () => {
    process.env.INGEST_MAX_BODY_BYTES = "1000";
    const big = await post("/api/ingest", { batch_id: "x".repeat(2000) });
    expect(big.status).toBe(413);
    delete process.env.INGEST_MAX_BODY_BYTES;

    process.env.INGEST_TOKEN = "s3cret";
    const entry = kongEntry(Date.now(), 200, 1);
    const none = await post(`/api/ingest/kong?node_id=${NODE_ID}`, entry);
    expect(none.status).toBe(401);
    const wrong = await post(`/api/ingest/kong?node_id=${NODE_ID}`, entry, { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    const right = await post(`/api/ingest/kong?node_id=${NODE_ID}`, entry, {
      authorization: "Bearer s3cret",
    });
    expect(right.status).toBe(200);
  });
});

/** A TCP proxy in front of Postgres that the test can cut and restore (the shared server is never touched). */
async function startProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server = createServer((client) => {
        const upstream = new Socket();
        upstream.connect(target.port, target.host);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
      });
      const srv = server;
      srv.listen(port, "127.0.0.1", () => resolve((srv.address() as { port: number }).port));
    });
  const port = await listen(0);
  return {
    port,
    async cut() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    async restore() {
      await listen(port);
    },
  };
}

describe.runIf(testBackends().includes("postgres"))("POST /api/ingest while Postgres is unreachable", () => {
  it("answers 503 with Retry-After, lives on, and counts every acknowledged batch exactly once", async () => {
    const t = await createTestDb("postgres");
    const url = new URL(t.url as string);
    const proxy = await startProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    const db = createPostgresDb(viaProxy.toString(), { max: 4 });
    await stopRuntime();
    useTestDb(db);
    // This test is about the ingest path: no exporters or background maintenance sharing the cut database.
    globalThis.__gatewatchRuntime = Promise.resolve({ db, observers: [], stop: async () => {} });
    const server = await serveRoutes([{ prefix: "/api/ingest", module: ingestRoute }]);
    const post = (body: unknown) =>
      fetch(`${server.url}/api/ingest`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    try {
      const nowS = Math.floor(Date.now() / 1000);
      const { raw } = simulate({
        seed: 8,
        startS: nowS - 30,
        seconds: 6,
        perSecond: 20,
        nodes: 1,
        tag: "outage",
      });
      const acknowledged = new Set<string>();
      for (const b of raw.slice(0, 2)) {
        const res = await post(b);
        expect(res.status).toBe(200);
        acknowledged.add(b.batch_id);
      }
      await proxy.cut();
      for (const b of raw.slice(2, 4)) {
        const res = await post(b);
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
      }
      await proxy.restore();
      // The gateway retries what was refused, plus a duplicate of an acknowledged batch.
      for (const b of [...raw.slice(2), raw[0]]) {
        let res = await post(b);
        for (let i = 0; i < 20 && res.status === 503; i++) {
          await new Promise((r) => setTimeout(r, 250));
          res = await post(b);
        }
        expect(res.status).toBe(200);
        acknowledged.add(b.batch_id);
      }
      const ids = await queryRows<{ batch_id: string }>(
        t.db,
        sql`SELECT batch_id FROM ingest_batches ORDER BY 1`,
      );
      expect(ids.map((r) => r.batch_id)).toEqual([...acknowledged].sort());
      const events = raw.reduce((n, b) => n + b.requests.length, 0);
      expect(await sumRequests(t, "health_minutes")).toBe(events);
    } finally {
      await server.close();
      await stopRuntime();
      await closeDb(db);
      await proxy.cut();
      await t.close();
    }
  }, 180_000);
});
