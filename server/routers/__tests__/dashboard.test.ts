import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as exportGet } from "@/app/api/export/[dataset]/route";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { appRouter } from "@/server/routers/_app";
import {
  insertConsumer,
  insertConsumerRouteCodes,
  insertEntityTraffic,
  insertHealth,
  insertNode,
  insertNodeCodes,
  insertRoute,
  insertRouteCodes,
  insertService,
  overlayOf,
} from "@/server/services/rollups/read/__tests__/seed";
import { serveRoutes, useTestDb } from "@/server/testing/http";
import { createCallerFactory } from "@/server/trpc";

const A = "20426633-55dc-4050-89ef-2382c95a611e";
const B = "8374682f-17fd-42cb-b1dc-7694d6f65ba0";
const S1 = "11111111-1111-4111-8111-111111111111";
const R1 = "33333333-3333-4333-8333-333333333331";
const C1 = "44444444-4444-4444-8444-444444444441";
const C2 = "44444444-4444-4444-8444-444444444442";

const nowSec = Math.floor(Date.now() / 1000);
const base = Math.floor(nowSec / 60) * 60 - 300;
const range = { from: base, to: base + 3 };

/** A tiny CSV reader for the test data (no quoted cells): header + rows as objects of strings. */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split("\n");
  const cols = header.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
}

const createCaller = createCallerFactory(appRouter);

/** The `[dataset]` route module as Next would call it for one dataset (serveRoutes passes no segment params). */
function datasetModule(dataset: string) {
  const get = (req: Request) => exportGet(req, { params: Promise.resolve({ dataset }) });
  return { GET: get };
}

const DATASETS = [
  "health",
  "summary",
  "status-classes",
  "status-codes",
  "entities",
  "consumer-routes",
  "nodes",
  "page",
  "bogus",
];

describe.each(testBackends())("dashboard router and CSV exports on %s", (kind) => {
  let t: TestDb;
  let server: { url: string; close(): Promise<void> };
  let caller: ReturnType<typeof createCaller>;
  const csv = async (path: string) => {
    const res = await fetch(`${server.url}/api/export/${path}`);
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    const db = t.db;
    useTestDb(db);
    caller = createCaller({ db });
    server = await serveRoutes(
      DATASETS.map((d) => ({
        prefix: `/api/export/${d}`,
        module: datasetModule(d),
      })),
    );
    await insertNode(db, A, "gw-1");
    await insertNode(db, B, "gw-2");
    await insertHealth(
      db,
      "seconds",
      base,
      A,
      [
        { plat: 3, ulat: 40, status: 200, bytesIn: 10, bytesOut: 100 },
        { plat: 11, ulat: 212, status: 503 },
      ],
      { hits: 2, misses: 1, samples: 1 },
    );
    await insertHealth(db, "seconds", base, B, [{ plat: 1, ulat: null, status: 401 }], { samples: 1 });
    await insertHealth(db, "seconds", base + 1, A, [], { samples: 1 });
    await insertNodeCodes(db, base, A, { 200: 1, 503: 1 });
    await insertNodeCodes(db, base, B, { 401: 1 });
    await insertService(db, S1, "orders");
    await insertRoute(db, R1, "orders-v1", S1);
    await insertConsumer(db, C1, "alice");
    await insertConsumer(db, C2, "bob");
    await insertRouteCodes(db, base, R1, S1, { 200: 1, 503: 1 });
    await insertEntityTraffic(db, base, "service", S1, [
      { rlat: 45, status: 200 },
      { rlat: 215, status: 503 },
    ]);
    await insertConsumerRouteCodes(db, base, C1, R1, S1, { 200: 4, 503: 1 });
    await insertConsumerRouteCodes(db, base, C2, R1, S1, { 200: 2 });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it("dashboard.health gap-fills the range and tells live, idle and silent apart", async () => {
    const h = await caller.dashboard.health({ range });
    expect(h.points.map((p) => [p.ts - base, p.state, p.requests])).toEqual([
      [0, "live", 3],
      [1, "idle", 0],
      [2, "silent", null],
    ]);
    expect(h.points[0].proxy).toMatchObject({ min: 1, max: 11, avg: 5 });
    expect(h.points[0].upstream).toMatchObject({ min: 40, max: 212, avg: 126 });
  });

  it("dashboard.overlay draws one node's lines on the cluster's buckets", async () => {
    const o = await caller.dashboard.overlay({ range, nodeId: B });
    expect(o).toMatchObject({ nodeId: B, hostname: "gw-2" });
    expect(o.range).toEqual((await caller.dashboard.health({ range })).range);
    expect(o.points.map((p) => p.state)).toEqual(["live", "silent", "silent"]);
    // an overlay carries the node's own series' line values
    const node = await caller.dashboard.health({ range, nodeId: B });
    expect(o.points).toEqual(node.points.map(overlayOf));
    expect(o.points[0]).toMatchObject({ requests: 1, proxyAvg: expect.any(Number) });
    await expect(caller.dashboard.overlay({ range, nodeId: "gw-2" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("dashboard.summary, statusCodes, entities, consumerRoutes, nodes and entity answer typed data", async () => {
    const s = await caller.dashboard.summary({ range });
    expect(s.current).toMatchObject({ requests: 3, errorRate4xx: 1 / 3, errorRate5xx: 1 / 3 });
    const codes = await caller.dashboard.statusCodes({ range, entity: { kind: "service", id: S1 } });
    expect(codes.range.interval).toBe("minutes");
    expect(codes.points).toEqual([{ ts: base, codes: { "200": 1, "503": 1 } }]);
    const cluster = await caller.dashboard.statusCodes({ range, entity: { kind: "cluster" } });
    expect(cluster.totals).toEqual({ "200": 1, "401": 1, "503": 1 });
    const e = await caller.dashboard.entities({ range, kind: "service" });
    expect(e.rows).toHaveLength(1);
    expect(e.rows[0]).toMatchObject({ id: S1, name: "orders", requests: 2, status5xx: 1, errorRate: 0.5 });
    const pairs = await caller.dashboard.consumerRoutes({ range, serviceId: S1, limit: 1 });
    expect(pairs.rows.map((r) => [r.consumerName, r.routeName, r.requests])).toEqual([
      ["alice", "orders-v1", 5],
      [null, null, 2],
    ]);
    const n = await caller.dashboard.nodes({ range });
    expect(n.rows.map((r) => [r.hostname, r.requests])).toEqual([
      ["gw-1", 2],
      ["gw-2", 1],
    ]);
    expect(await caller.dashboard.entity({ kind: "route", id: R1 })).toMatchObject({
      id: R1,
      kind: "route",
      name: "orders-v1",
      extra: { serviceId: S1, serviceName: "orders" },
    });
  });

  it("rejects bad input with the field path and unknown entities with NOT_FOUND", async () => {
    const err = await caller.dashboard.health({ range, nodeId: "gw-1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    expect((err as TRPCError).message).toContain("nodeId");
    const noId = await caller.dashboard
      .statusCodes({ range, entity: { kind: "route" } })
      .catch((e: unknown) => e);
    expect((noId as TRPCError).code).toBe("BAD_REQUEST");
    expect((noId as TRPCError).message).toContain("id is required");
    const missing = await caller.dashboard
      .entity({ kind: "service", id: "99999999-9999-4999-8999-999999999999" })
      .catch((e: unknown) => e);
    expect((missing as TRPCError).code).toBe("NOT_FOUND");
  });

  it("health CSV: a text/csv attachment whose numbers equal the router's", async () => {
    const r = await csv(`health?from=${range.from}&to=${range.to}&overlay=${B}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="gatewatch-health-.*\.csv"$/);
    const rows = parseCsv(r.text);
    const h = await caller.dashboard.health({ range });
    const node = await caller.dashboard.health({ range, nodeId: B });
    expect(rows).toHaveLength(6);
    const all = [
      ...h.points.map((p) => ({ scope: "cluster", p })),
      ...node.points.map((p) => ({ scope: "node", p })),
    ];
    rows.forEach((row, i) => {
      const { scope, p } = all[i];
      expect(row.timestamp).toBe(new Date(p.ts * 1000).toISOString().replace(".000Z", "Z"));
      expect(row).toMatchObject({
        unix_ts: String(p.ts),
        scope,
        state: p.state,
        requests: p.requests === null ? "" : String(p.requests),
        proxy_avg_ms: p.proxy.avg === null ? "" : String(p.proxy.avg),
        proxy_p95_ms: p.proxy.p95 === null ? "" : String(p.proxy.p95),
        upstream_max_ms: p.upstream.max === null ? "" : String(p.upstream.max),
        status_5xx: p.status === null ? "" : String(p.status["5xx"]),
      });
    });
    expect(rows[3]).toMatchObject({ scope: "node", node_id: B, hostname: "gw-2", requests: "1" });
    expect(Object.keys(rows[0]).slice(0, 3)).toEqual(["timestamp", "unix_ts", "scope"]);
  });

  it("other datasets: status codes, entities, consumer×route, nodes, summary, classes and the page bundle", async () => {
    const codes = parseCsv(
      (await csv(`status-codes?from=${range.from}&to=${range.to}&kind=node&id=${A}`)).text,
    );
    expect(codes.map((r) => [r.unix_ts, r.entity_kind, r.entity_id, r.status_code, r.requests])).toEqual([
      [String(base), "node", A, "200", "1"],
      [String(base), "node", A, "503", "1"],
    ]);
    const ent = parseCsv((await csv(`entities?from=${range.from}&to=${range.to}&kind=service`)).text);
    expect(ent).toHaveLength(1);
    expect(ent[0]).toMatchObject({
      entity_id: S1,
      name: "orders",
      requests: "2",
      status_5xx: "1",
      error_rate: "0.5",
    });
    const pairs = parseCsv(
      (await csv(`consumer-routes?from=${range.from}&to=${range.to}&serviceId=${S1}&limit=1`)).text,
    );
    expect(pairs.map((r) => [r.row, r.consumer_name, r.status_code, r.requests])).toEqual([
      ["pair", "alice", "200", "4"],
      ["pair", "alice", "503", "1"],
      ["other", "", "200", "2"],
    ]);
    const nodes = parseCsv((await csv(`nodes?from=${range.from}&to=${range.to}`)).text);
    expect(nodes.map((r) => [r.hostname, r.requests, r.state])).toEqual([
      ["gw-1", "2", "silent"],
      ["gw-2", "1", "silent"],
    ]);
    const summary = parseCsv((await csv(`summary?from=${range.from}&to=${range.to}`)).text);
    expect(summary.map((r) => [r.period, r.requests])).toEqual([
      ["current", "3"],
      ["previous", ""],
    ]);
    const classes = parseCsv((await csv(`status-classes?from=${range.from}&to=${range.to}&node=${A}`)).text);
    expect(
      classes
        .filter((r) => r.unix_ts === String(base) && r.requests !== "0")
        .map((r) => [r.status_class, r.requests]),
    ).toEqual([
      ["2xx", "1"],
      ["5xx", "1"],
    ]);
    const page = parseCsv((await csv(`page?from=${range.from}&to=${range.to}&page=service&id=${S1}`)).text);
    expect(new Set(page.map((r) => r.dataset))).toEqual(
      new Set(["entities-service", "status-codes", "consumer-routes"]),
    );
    expect(page.find((r) => r.dataset === "entities-service" && r.metric === "requests")?.value).toBe("2");
  });

  it("answers bad parameters with a 400 naming the parameter", async () => {
    const cases: [string, string][] = [
      ["health?range=2y", "range"],
      ["health?from=10", "to"],
      ["health?from=20&to=10", "to"],
      ["health?range=1h&node=gw-1", "node"],
      [`health?range=1h&overlay=${A}&overlay=x`, "overlay[1]"],
      ["status-codes?range=1h&kind=route", "id"],
      ["status-codes?range=1h&kind=planet", "kind"],
      ["entities?range=1h", "kind"],
      ["consumer-routes?range=1h&limit=0", "limit"],
      ["page?range=1h&page=service", "id"],
      ["bogus?range=1h", "dataset"],
    ];
    for (const [path, param] of cases) {
      const r = await csv(path);
      expect({ path, status: r.status }).toEqual({ path, status: 400 });
      const body = JSON.parse(r.text) as { error: string; issues: { path: string }[] };
      expect(body.issues[0].path).toBe(param);
      expect(body.error.startsWith(`${param}: `)).toBe(true);
    }
  });
});
