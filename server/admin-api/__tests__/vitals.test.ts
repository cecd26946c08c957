import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as adminApi from "@/app/admin-api/[[...path]]/route";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import {
  insertConsumer,
  insertConsumerRouteCodes,
  insertHealth,
  insertNode,
  insertRoute,
  insertRouteCodes,
  insertService,
  type Req,
} from "@/server/services/rollups/read/__tests__/seed";
import { serveRoutes, useTestDb } from "@/server/testing/http";

const N1 = "20426633-55dc-4050-89ef-2382c95a611e";
const N2 = "8374682f-17fd-42cb-b1dc-7694d6f65ba0";
const S1 = "11111111-1111-4111-8111-111111111111";
const R1 = "33333333-3333-4333-8333-333333333331";
const R2 = "33333333-3333-4333-8333-333333333332";
const C1 = "44444444-4444-4444-8444-444444444441";
const T = 1700000000;
/** a whole minute (1700000040 = 60 × 28333334) */
const M = 1700000040;

const STAT_LABELS = [
  "cache_datastore_hits_total",
  "cache_datastore_misses_total",
  "latency_proxy_request_min_ms",
  "latency_proxy_request_max_ms",
  "latency_upstream_min_ms",
  "latency_upstream_max_ms",
  "requests_proxy_total",
  "latency_proxy_request_avg_ms",
  "latency_upstream_avg_ms",
];

/** kong-vitals §1.6 example A, verbatim. */
const EXAMPLE_A = {
  meta: {
    level: "node",
    interval: "seconds",
    interval_width: 1,
    earliest_ts: 1700000000,
    latest_ts: 1700000002,
    stat_labels: STAT_LABELS,
    nodes: {
      "20426633-55dc-4050-89ef-2382c95a611e": { hostname: "gw-1" },
      "8374682f-17fd-42cb-b1dc-7694d6f65ba0": { hostname: "gw-2" },
    },
  },
  stats: {
    "20426633-55dc-4050-89ef-2382c95a611e": {
      "1700000000": [0, 0, null, null, null, null, 0, null, null],
      "1700000001": [2, 1, 3, 11, 40, 212, 17, 6, 95],
    },
    "8374682f-17fd-42cb-b1dc-7694d6f65ba0": {
      "1700000002": [1, 7, 0, 4, 13, 19, 8, 1, 15],
    },
  },
};

const rep = (n: number, r: Req): Req[] => Array.from({ length: n }, () => ({ ...r }));

describe.each(testBackends())("Vitals API over HTTP on %s", (kind) => {
  let t: TestDb;
  let server: { url: string; close(): Promise<void> };
  const get = async (path: string) => {
    const res = await fetch(`${server.url}/admin-api${path}`);
    return { status: res.status, type: res.headers.get("content-type"), body: await res.json() };
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    const db = t.db;
    useTestDb(db);
    server = await serveRoutes([{ prefix: "/admin-api", module: adminApi, catchAll: true }]);
    await insertNode(db, N1, "gw-1");
    await insertNode(db, N2, "gw-2");
    // Example A: gw-1 idle at T, busy at T+1; gw-2 reports only at T+2.
    await insertHealth(db, "seconds", T, N1, [], { samples: 1 });
    await insertHealth(
      db,
      "seconds",
      T + 1,
      N1,
      [
        { plat: 3, ulat: 40, status: 200 },
        { plat: 11, ulat: 212, status: 200 },
        ...rep(13, { plat: 6, ulat: 91, status: 404 }),
        ...rep(2, { plat: 6, ulat: 90, status: 404 }),
      ],
      { hits: 2, misses: 1, samples: 1 },
    );
    await insertHealth(
      db,
      "seconds",
      T + 2,
      N2,
      [
        { plat: 0, ulat: 13, status: 500 },
        { plat: 4, ulat: 19, status: 500 },
        ...rep(6, { plat: 1, ulat: 15, status: 404 }),
      ],
      { hits: 1, misses: 7, samples: 1 },
    );
    // Both nodes in one second, for the cluster arithmetic (weighted average, min of mins, max of maxes).
    await insertHealth(db, "seconds", T + 100, N1, [{ plat: 2, ulat: 10, status: 200 }], { hits: 1 });
    await insertHealth(
      db,
      "seconds",
      T + 100,
      N2,
      [
        { plat: 5, ulat: 30, status: 200 },
        { plat: 7, ulat: null, status: 401 },
      ],
      { misses: 4 },
    );

    await insertService(db, S1, "orders");
    await insertRoute(db, R1, "orders-v1", S1);
    await insertRoute(db, R2, "orders-v2", S1);
    await insertConsumer(db, C1, "alice");
    await insertRouteCodes(db, M, R1, S1, { 200: 44 });
    await insertRouteCodes(db, M + 60, R2, S1, { 200: 1, 500: 2 });
    await insertConsumerRouteCodes(db, M, C1, R1, S1, { 200: 3 });
    await insertConsumerRouteCodes(db, M, C1, R2, S1, { 404: 1 });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it("GET /vitals/nodes matches reference example A exactly", async () => {
    const r = await get(`/vitals/nodes?interval=seconds&start_ts=${T}&end_ts=${T + 2}`);
    expect(r.status).toBe(200);
    expect(r.type).toContain("application/json");
    expect(r.body).toEqual(EXAMPLE_A);
    // stat_labels order is part of the contract (kong-vitals §0.1), not just the set
    expect(Object.keys(r.body.stats["20426633-55dc-4050-89ef-2382c95a611e"])).toEqual([
      "1700000000",
      "1700000001",
    ]);
  });

  it("GET /vitals/cluster sums node rows: Σ counts, min of mins, max of maxes, Σsum/Σcount rounded", async () => {
    const r = await get(`/vitals/cluster?interval=seconds&start_ts=${T + 100}&end_ts=${T + 100}`);
    // proxy 2, 5, 7 → avg 4.67 → 5; upstream 10, 30 (the 401 had none) → 20
    expect(r.body).toEqual({
      meta: {
        level: "cluster",
        interval: "seconds",
        interval_width: 1,
        earliest_ts: T + 100,
        latest_ts: T + 100,
        stat_labels: STAT_LABELS,
      },
      stats: { cluster: { [String(T + 100)]: [1, 4, 2, 7, 10, 30, 3, 5, 20] } },
    });
    const all = await get(`/vitals/cluster?interval=seconds&start_ts=${T}&end_ts=${T + 2}`);
    expect(all.body.stats.cluster).toEqual({
      "1700000000": [0, 0, null, null, null, null, 0, null, null],
      "1700000001": [2, 1, 3, 11, 40, 212, 17, 6, 95],
      "1700000002": [1, 7, 0, 4, 13, 19, 8, 1, 15],
    });
  });

  it("percentiles are an opt-in extension beside Kong's nine values", async () => {
    const plain = await get(`/vitals/cluster?interval=seconds&start_ts=${T + 100}&end_ts=${T + 100}`);
    const r = await get(
      `/vitals/cluster?interval=seconds&start_ts=${T + 100}&end_ts=${T + 100}&percentiles=true`,
    );
    expect(r.body.stats).toEqual(plain.body.stats);
    expect(r.body.meta).toEqual({
      ...plain.body.meta,
      percentile_labels: [
        "latency_proxy_request_p50_ms",
        "latency_proxy_request_p95_ms",
        "latency_proxy_request_p99_ms",
        "latency_upstream_p50_ms",
        "latency_upstream_p95_ms",
        "latency_upstream_p99_ms",
      ],
    });
    // values ≤ 10 ms have exact buckets; upstream 30 is clamped to the exact max
    expect(r.body.percentiles).toEqual({ cluster: { [String(T + 100)]: [5, 7, 7, 10, 30, 30] } });
  });

  it("GET /vitals/nodes/{id}: one node with meta.nodes; 404 unknown; 400 not a UUID", async () => {
    const r = await get(`/vitals/nodes/${N2}?interval=seconds&start_ts=${T}&end_ts=${T + 2}`);
    expect(r.body).toEqual({
      meta: {
        level: "node",
        interval: "seconds",
        interval_width: 1,
        earliest_ts: T + 2,
        latest_ts: T + 2,
        stat_labels: STAT_LABELS,
        nodes: { [N2]: { hostname: "gw-2" } },
      },
      stats: { [N2]: { [String(T + 2)]: [1, 7, 0, 4, 13, 19, 8, 1, 15] } },
    });
    const missing = await get("/vitals/nodes/5b0a3b8e-8c43-4a53-9d6f-1a2b3c4d5e6f?interval=seconds");
    expect(missing).toMatchObject({ status: 404, body: { message: "Not found" } });
    const bad = await get("/vitals/nodes/gw-1?interval=seconds");
    expect(bad).toMatchObject({
      status: 400,
      body: { message: "Invalid query params: node_id must be a UUID" },
    });
  });

  it("empty result: meta has only level, interval and interval_width; stats is {}", async () => {
    const r = await get(`/vitals/cluster?interval=minutes&start_ts=${T}&end_ts=${T + 10}`);
    expect(r).toMatchObject({ status: 200 });
    expect(r.body).toEqual({
      meta: { level: "cluster", interval: "minutes", interval_width: 60 },
      stats: {},
    });
    const codes = await get(
      `/vitals/status_codes/by_service?service_id=${S1}&interval=minutes&start_ts=${T}&end_ts=${T + 10}`,
    );
    expect(codes.body).toEqual({
      meta: { level: "cluster", interval: "minutes", interval_width: 60 },
      stats: {},
    });
  });

  it("GET /vitals/status_code_classes matches reference example B (plus interval_width)", async () => {
    // seconds from the health rollups' class columns; T+1 has 2×200 and 15×404, T+2 8 errors, T+100 3.
    const r = await get(`/vitals/status_code_classes?interval=seconds&start_ts=${T}&end_ts=${T + 2}`);
    expect(r.body).toEqual({
      meta: {
        level: "cluster",
        entity_type: "cluster",
        interval: "seconds",
        // §1.6 lists interval_width among the common meta fields; example B (from an integration test) omits it.
        interval_width: 1,
        earliest_ts: T + 1,
        latest_ts: T + 2,
        stat_labels: ["status_code_classes_total"],
        status_code_totals: { "2xx": 2, "4xx": 21, "5xx": 2, total: 25 },
      },
      stats: {
        cluster: {
          [String(T + 1)]: { "2xx": 2, "4xx": 15 },
          [String(T + 2)]: { "4xx": 6, "5xx": 2 },
        },
      },
    });
    const deprecated = await get(
      `/vitals/cluster/status_codes?interval=seconds&start_ts=${T}&end_ts=${T + 2}`,
    );
    expect(deprecated.body).toEqual(r.body);
  });

  it("status codes by service, route, consumer and consumer×route; sparse codes and totals", async () => {
    const svc = await get(`/vitals/status_codes/by_service?service_id=${S1}&interval=minutes&start_ts=${M}`);
    expect(svc.body).toEqual({
      meta: {
        level: "cluster",
        entity_type: "service",
        entity_id: S1,
        interval: "minutes",
        interval_width: 60,
        earliest_ts: M,
        latest_ts: M + 60,
        stat_labels: ["status_codes_per_service_total"],
        status_code_totals: { "200": 45, "500": 2, total: 47 },
      },
      stats: { cluster: { [String(M)]: { "200": 44 }, [String(M + 60)]: { "200": 1, "500": 2 } } },
    });
    const route = await get(
      `/default/vitals/status_codes/by_route?route_id=${R2}&interval=minutes&start_ts=${M}`,
    );
    expect(route.body.meta).toMatchObject({
      entity_type: "route",
      stat_labels: ["status_codes_per_route_total"],
    });
    expect(route.body.stats).toEqual({ cluster: { [String(M + 60)]: { "200": 1, "500": 2 } } });
    const consumer = await get(
      `/vitals/status_codes/by_consumer?consumer_id=${C1}&interval=minutes&start_ts=${M}`,
    );
    expect(consumer.body.stats).toEqual({ cluster: { [String(M)]: { "200": 3, "404": 1 } } });
    expect(consumer.body.meta.stat_labels).toEqual(["status_codes_per_consumer_total"]);
    const pair = await get(
      `/vitals/status_codes/by_consumer_and_route?consumer_id=${C1}&interval=minutes&start_ts=${M}`,
    );
    expect(pair.body.stats).toEqual({
      [R1]: { [String(M)]: { "200": 3 } },
      [R2]: { [String(M)]: { "404": 1 } },
    });
    expect(pair.body.meta).toMatchObject({
      entity_type: "consumer_route",
      entity_id: C1,
      stat_labels: ["status_codes_per_consumer_route_total"],
      status_code_totals: { "200": 3, "404": 1, total: 4 },
    });
  });

  it("hours and days include hours not folded yet (read from minute rows)", async () => {
    const hour = Math.floor(M / 3600) * 3600;
    const h = await get(`/vitals/status_codes/by_service?service_id=${S1}&interval=hours&start_ts=${M}`);
    expect(h.body.stats).toEqual({ cluster: { [String(hour)]: { "200": 45, "500": 2 } } });
    expect(h.body.meta).toMatchObject({ interval: "hours", interval_width: 3600, earliest_ts: hour });
    const day = Math.floor(M / 86400) * 86400;
    const d = await get(`/vitals/status_codes/by_service?service_id=${S1}&interval=days&start_ts=${M}`);
    expect(d.body.stats).toEqual({ cluster: { [String(day)]: { "200": 45, "500": 2 } } });
  });

  it("GET /vitals/consumers/{id}/cluster counts requests per bucket (by id or username)", async () => {
    const expected = {
      meta: {
        level: "cluster",
        interval: "minutes",
        interval_width: 60,
        earliest_ts: M,
        latest_ts: M,
        stat_labels: ["requests_consumer_total"],
      },
      stats: { cluster: { [String(M)]: 4 } },
    };
    expect((await get(`/vitals/consumers/${C1}/cluster?interval=minutes&start_ts=${M}`)).body).toEqual(
      expected,
    );
    expect((await get(`/vitals/consumers/alice/cluster?interval=minutes&start_ts=${M}`)).body).toEqual(
      expected,
    );
    expect((await get("/vitals/consumers/nobody/cluster?interval=minutes")).status).toBe(404);
  });

  it("answers bad parameters with Kong's `Invalid query params:` 400s", async () => {
    const cases: [string, string][] = [
      ["/vitals/cluster", "Invalid query params: interval must be 'days', 'hours', 'minutes' or 'seconds'"],
      [
        "/vitals/cluster?interval=weeks",
        "Invalid query params: interval must be 'days', 'hours', 'minutes' or 'seconds'",
      ],
      [
        "/vitals/nodes?interval=seconds&start_ts=yesterday",
        "Invalid query params: start_ts must be a number",
      ],
      ["/vitals/cluster?interval=seconds&end_ts=abc", "Invalid query params: end_ts must be a number"],
      [
        `/vitals/status_codes/by_service?service_id=${S1}&interval=seconds`,
        "Invalid query params: interval must be 'days', 'hours' or 'minutes' (status codes are rolled up per minute at the finest)",
      ],
      ["/vitals/status_codes/by_service?interval=minutes", "Invalid query params: service_id is required"],
      [
        "/vitals/status_codes/by_route?route_id=r1&interval=minutes",
        "Invalid query params: route_id must be a UUID",
      ],
    ];
    for (const [path, message] of cases) {
      const r = await get(path);
      expect({ path, status: r.status, body: r.body }).toEqual({ path, status: 400, body: { message } });
    }
    const unknown = await get(
      "/vitals/status_codes/by_service?service_id=99999999-9999-4999-8999-999999999999&interval=minutes",
    );
    expect(unknown).toMatchObject({ status: 404, body: { message: "Not found" } });
  });

  it("GET /vitals lists every label with its levels, intervals and retention", async () => {
    const r = await get("/vitals");
    expect(Object.keys(r.body.stats)).toEqual([
      ...STAT_LABELS,
      "status_code_classes_total",
      "status_codes_per_service_total",
      "status_codes_per_route_total",
      "status_codes_per_consumer_total",
      "status_codes_per_consumer_route_total",
      "requests_consumer_total",
    ]);
    expect(r.body.stats.requests_proxy_total.levels.nodes.intervals).toEqual({
      seconds: { retention_period_seconds: 3600 },
      minutes: { retention_period_seconds: 90000 },
      hours: { retention_period_seconds: 2592000 },
      days: { retention_period_seconds: 2592000 },
    });
    expect(Object.keys(r.body.stats.status_codes_per_service_total.levels)).toEqual(["cluster"]);
    expect(Object.keys(r.body.stats.status_codes_per_service_total.levels.cluster.intervals)).toEqual([
      "minutes",
      "hours",
      "days",
    ]);
  });
});
