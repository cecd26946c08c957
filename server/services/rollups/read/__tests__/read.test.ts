import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { ENTITY_HISTOGRAM, HEALTH_HISTOGRAM, mergeHistograms, quantile } from "@/lib/histogram";
import { getConsumerRoutes, getStatusCodeSeries } from "../codes";
import { getEntityTable, withTens } from "../entities";
import { getHealthSeries, getNodeTable, getOverlaySeries, getSummary } from "../health";
import { segments } from "../levels";
import {
  healthRow,
  insertConsumer,
  insertConsumerRouteCodes,
  insertEntityTraffic,
  insertHealth,
  insertNode,
  insertNodeCodes,
  insertRoute,
  insertService,
  type Req,
} from "./seed";

const A = "20426633-55dc-4050-89ef-2382c95a611e";
const B = "8374682f-17fd-42cb-b1dc-7694d6f65ba0";
const C = "5b0a3b8e-8c43-4a53-9d6f-1a2b3c4d5e6f";
const S1 = "11111111-1111-4111-8111-111111111111";
const S2 = "22222222-2222-4222-8222-222222222222";
const R1 = "33333333-3333-4333-8333-333333333331";
const R2 = "33333333-3333-4333-8333-333333333332";
const C1 = "44444444-4444-4444-8444-444444444441";
const C2 = "44444444-4444-4444-8444-444444444442";
const C3 = "44444444-4444-4444-8444-444444444443";

const nowMs = Date.now();
const nowSec = Math.floor(nowMs / 1000);
/** a whole minute, five minutes ago: inside the seconds retention, so a 3 s range reads health_seconds */
const base = Math.floor(nowSec / 60) * 60 - 300;
/** an hour boundary three hours ago, for the tiered (hours inside, minutes at the edges) totals */
const H = Math.floor(nowSec / 3600) * 3600 - 3 * 3600;

const reqsA: Req[] = [
  { plat: 3, ulat: 40, status: 200, bytesIn: 100, bytesOut: 1000 },
  { plat: 11, ulat: 212, status: 200, bytesIn: 100, bytesOut: 2000 },
];
const reqsB: Req[] = [
  { plat: 1, ulat: 13, status: 200 },
  { plat: 4, ulat: 19, status: 404 },
  { plat: 20, ulat: null, status: 401 },
];

describe.each(testBackends())("rollup read layer on %s", (kind) => {
  let t: TestDb;
  let db: Db;

  beforeAll(async () => {
    t = await createTestDb(kind);
    db = t.db;
    await insertNode(db, A, "gw-1");
    await insertNode(db, B, "gw-2");
    await insertNode(db, C, "gw-3");
    await insertHealth(db, "seconds", base, A, reqsA, { hits: 2, misses: 1, samples: 1 });
    await insertHealth(db, "seconds", base, B, reqsB, { hits: 1, misses: 7, samples: 1 });
    await insertHealth(db, "seconds", base + 1, A, [], { samples: 1 });
    // "now": A proxies, B only reports stats, C is silent.
    await insertHealth(db, "seconds", nowSec - 2, A, [{ plat: 2, ulat: 5, status: 200 }], { samples: 1 });
    await insertHealth(db, "seconds", nowSec - 2, B, [], { samples: 1 });

    await insertNodeCodes(db, base, A, { 200: 2 });
    await insertNodeCodes(db, base, B, { 200: 1, 404: 1, 401: 1 });

    await insertService(db, S1, "orders");
    await insertService(db, S2, "billing");
    await insertRoute(db, R1, "orders-v1", S1);
    await insertRoute(db, R2, "orders-v2", S1);
    await insertConsumer(db, C1, "alice");
    await insertConsumer(db, C2, "bob");
    await insertConsumer(db, C3, "carol");
    const entityReqs = [
      { rlat: 50, status: 200 },
      { rlat: 60, status: 500 },
      { rlat: 70, status: 200 },
    ];
    await insertEntityTraffic(db, base, "service", S1, entityReqs);
    await insertConsumerRouteCodes(db, base, C1, R1, S1, { 200: 10 });
    await insertConsumerRouteCodes(db, base, C2, R1, S1, { 200: 5, 500: 1 });
    await insertConsumerRouteCodes(db, base, C3, R2, S1, { 200: 2 });
    await insertConsumerRouteCodes(db, base, C1, R2, S1, { 404: 1 });

    // Consistent minute and hour rows (ingest writes every level from the same events).
    const r = (n: number): Req[] => Array.from({ length: n }, () => ({ plat: 5, ulat: 50, status: 200 }));
    await insertHealth(db, "minutes", H - 600, A, r(2));
    await insertHealth(db, "minutes", H + 60, A, r(3));
    await insertHealth(db, "hours", H, A, r(3));
    await insertHealth(db, "minutes", H + 3600 + 60, A, r(1));
    await insertHealth(db, "hours", H + 3600, A, r(1));
  });
  afterAll(async () => t?.close());

  it("computes the cluster from node rows: Σ counts, min of mins, max of maxes, rounded Σsum/Σcount", async () => {
    const s = await getHealthSeries(db, { range: { from: base, to: base + 3 }, nowMs });
    expect(s.range).toMatchObject({ from: base, to: base + 3, interval: "seconds", step: 1 });
    expect(s.points.map((p) => p.ts)).toEqual([base, base + 1, base + 2]);
    const [p0, p1, p2] = s.points;
    expect(p0).toMatchObject({
      state: "live",
      requests: 5,
      rps: 5,
      cacheHits: 3,
      cacheMisses: 8,
      status: { "1xx": 0, "2xx": 3, "3xx": 0, "4xx": 2, "5xx": 0, other: 0 },
      bytesIn: 200,
      bytesOut: 3000,
    });
    expect(p0.cacheHitRatio).toBeCloseTo(3 / 11, 10);
    // proxy: 3, 11, 1, 4, 20 → avg 7.8 → 8; upstream: 40, 212, 13, 19 (one request had none) → 71
    expect(p0.proxy).toMatchObject({ min: 1, max: 20, avg: 8, p50: 4 });
    expect(p0.upstream).toMatchObject({ min: 13, max: 212, avg: 71 });
    const merged = mergeHistograms(healthRow(reqsA).platHist, healthRow(reqsB).platHist);
    expect(p0.proxy.p95).toBe(quantile(HEALTH_HISTOGRAM, merged, 0.95, 1, 20));
    expect(p0.proxy.p99).toBeGreaterThan(18);
    expect(p0.proxy.p99).toBeLessThanOrEqual(20);
    // idle: a stats row without requests → counters 0, latencies null, ratio undefined (0/0)
    expect(p1).toMatchObject({ state: "idle", requests: 0, cacheHits: 0, cacheHitRatio: null });
    expect(p1.proxy).toEqual({ min: null, max: null, avg: null, p50: null, p95: null, p99: null });
    // silent: no row at all → counters null too
    expect(p2).toMatchObject({ state: "silent", requests: null, rps: null, status: null, cacheHits: null });
  });

  it("reads one node and per-node overlays; a node without a row is silent while the cluster is idle", async () => {
    const s = await getHealthSeries(db, { range: { from: base, to: base + 3 }, nodeId: B, nowMs });
    const overlays = await Promise.all(
      [A, B].map((nodeId) => getOverlaySeries(db, { range: { from: base, to: base + 3 }, nodeId, nowMs })),
    );
    expect(s.points.map((p) => p.state)).toEqual(["live", "silent", "silent"]);
    expect(s.points[0].proxy).toMatchObject({ min: 1, max: 20, avg: 8 }); // (1+4+20)/3 = 8.33
    expect(s.points[0].upstream).toMatchObject({ min: 13, max: 19, avg: 16 });
    expect(overlays.map((o) => [o.nodeId, o.hostname, o.points.map((p) => p.state)])).toEqual([
      [A, "gw-1", ["live", "idle", "silent"]],
      [B, "gw-2", ["live", "silent", "silent"]],
    ]);
    expect(overlays[0].points[0].requests).toBe(2);
  });

  it("summarises the range and the previous one", async () => {
    const s = await getSummary(db, { range: { from: base, to: base + 3 }, nowMs });
    expect(s.current.requests).toBe(5);
    expect(s.current.rps).toBeCloseTo(5 / 3, 10);
    expect(s.current.errorRate4xx).toBeCloseTo(2 / 5, 10);
    expect(s.current.errorRate5xx).toBe(0);
    expect(s.current.cacheHitRatio).toBeCloseTo(3 / 11, 10);
    const merged = mergeHistograms(healthRow(reqsA).ulatHist, healthRow(reqsB).ulatHist);
    expect(s.current.p95UpstreamMs).toBe(quantile(HEALTH_HISTOGRAM, merged, 0.95, 13, 212));
    expect(s.previous).toEqual({
      requests: null,
      rps: null,
      errorRate4xx: null,
      errorRate5xx: null,
      p95ProxyMs: null,
      p95UpstreamMs: null,
      cacheHitRatio: null,
    });
  });

  it("totals read hour rows inside the range and minute rows at the edges, counting each request once", async () => {
    const range = { from: H - 1800, to: H + 5400 };
    expect(segments("health", { ...range, interval: "minutes" }, { tiered: true })).toEqual([
      { level: "minutes", from: H - 1800, to: H },
      { level: "hours", from: H, to: H + 3600 },
      { level: "minutes", from: H + 3600, to: H + 5400 },
    ]);
    // Code/entity hours exist only once folded: an unfolded hour is read from its minute rows.
    const wide = { from: H - 1800, to: H + 3 * 3600 + 60, interval: "minutes" as const };
    expect(segments("entity_traffic", wide, { tiered: true, foldedHours: new Set([H + 3600]) })).toEqual([
      { level: "minutes", from: H - 1800, to: H + 3600 },
      { level: "hours", from: H + 3600, to: H + 7200 },
      { level: "minutes", from: H + 7200, to: H + 3 * 3600 + 60 },
    ]);
    // Entity tables read whole ten minutes of those minute edges from entity_traffic_tens.
    expect(
      withTens(segments("entity_traffic", wide, { tiered: true, foldedHours: new Set([H + 3600]) })),
    ).toEqual([
      { level: "tens", from: H - 1800, to: H + 3600 },
      { level: "hours", from: H + 3600, to: H + 7200 },
      { level: "tens", from: H + 7200, to: H + 3 * 3600 },
      { level: "minutes", from: H + 3 * 3600, to: H + 3 * 3600 + 60 },
    ]);
    expect(withTens([{ level: "minutes", from: H + 540, to: H + 1860 }])).toEqual([
      { level: "minutes", from: H + 540, to: H + 600 },
      { level: "tens", from: H + 600, to: H + 1800 },
      { level: "minutes", from: H + 1800, to: H + 1860 },
    ]);
    expect(withTens([{ level: "minutes", from: H + 60, to: H + 540 }])).toEqual([
      { level: "minutes", from: H + 60, to: H + 540 },
    ]);
    expect(segments("health", wide)).toEqual([{ level: "minutes", from: wide.from, to: wide.to }]);
    expect(segments("codes_route", { from: H + 1, to: H + 61, interval: "seconds" })).toEqual([
      { level: "minutes", from: H, to: H + 120 },
    ]);
    const s = await getSummary(db, { range, nodeId: A, nowMs });
    expect(s.current.requests).toBe(6);
    const series = await getHealthSeries(db, { range, nodeId: A, nowMs });
    expect(series.range.interval).toBe("minutes");
    expect(series.points).toHaveLength(120);
    expect(series.points.reduce((a, p) => a + (p.requests ?? 0), 0)).toBe(6);
  });

  it("status codes per entity come from the code tables; a seconds range is answered at minutes", async () => {
    const s = await getStatusCodeSeries(db, {
      range: { from: base, to: base + 3 },
      entity: { kind: "cluster" },
      nowMs,
    });
    expect(s.range).toMatchObject({ interval: "minutes", step: 60, from: base, to: base + 60 });
    expect(s.points).toEqual([{ ts: base, codes: { "200": 3, "401": 1, "404": 1 } }]);
    expect(s.totals).toEqual({ "200": 3, "401": 1, "404": 1 });
    const node = await getStatusCodeSeries(db, {
      range: { from: base - 60, to: base + 60 },
      entity: { kind: "node", id: B },
      nowMs,
    });
    expect(node.points).toEqual([
      { ts: base - 60, codes: {} },
      { ts: base, codes: { "200": 1, "401": 1, "404": 1 } },
    ]);
    const consumer = await getStatusCodeSeries(db, {
      range: { from: base, to: base + 60 },
      entity: { kind: "consumer", id: C1 },
      nowMs,
    });
    expect(consumer.totals).toEqual({ "200": 10, "404": 1 });
  });

  it("entity table lists every entity, with traffic totals and p95 from the entity histogram", async () => {
    const t1 = await getEntityTable(db, { range: { from: base, to: base + 60 }, kind: "service", nowMs });
    const h = healthRowEntity([50, 60, 70]);
    expect(t1.rows).toEqual([
      {
        id: S1,
        name: "orders",
        requests: 3,
        errorRate: 1 / 3,
        p95Ms: quantile(ENTITY_HISTOGRAM, h, 0.95),
        status4xx: 0,
        status5xx: 1,
        lastSeen: base,
      },
      {
        id: S2,
        name: "billing",
        requests: 0,
        errorRate: null,
        p95Ms: null,
        status4xx: 0,
        status5xx: 0,
        lastSeen: null,
      },
    ]);
    expect(t1.rows[0].p95Ms).toBeGreaterThan(60);
  });

  it("consumer×route table: top N by requests plus one 'other' row", async () => {
    const t2 = await getConsumerRoutes(db, { range: { from: base, to: base + 60 }, limit: 2, nowMs });
    expect(t2.rows).toEqual([
      {
        consumerId: C1,
        consumerName: "alice",
        routeId: R1,
        routeName: "orders-v1",
        requests: 10,
        codes: { "200": 10 },
      },
      {
        consumerId: C2,
        consumerName: "bob",
        routeId: R1,
        routeName: "orders-v1",
        requests: 6,
        codes: { "200": 5, "500": 1 },
      },
      {
        consumerId: null,
        consumerName: null,
        routeId: null,
        routeName: null,
        requests: 3,
        codes: { "200": 2, "404": 1 },
      },
    ]);
    const filtered = await getConsumerRoutes(db, {
      range: { from: base, to: base + 60 },
      routeId: R2,
      nowMs,
    });
    expect(filtered.rows.map((r) => [r.consumerName, r.requests])).toEqual([
      ["carol", 2],
      ["alice", 1],
    ]);
  });

  it("nodes table: live, idle and silent right now, totals over the range", async () => {
    const n = await getNodeTable(db, { range: { from: base, to: base + 3 }, nowMs });
    expect(n.rows.map((r) => [r.hostname, r.state, r.requests, r.lastSeen])).toEqual([
      ["gw-1", "live", 2, nowSec - 2],
      ["gw-2", "idle", 3, nowSec - 2],
      ["gw-3", "silent", 0, null],
    ]);
    expect(n.rows[1].errorRate).toBeCloseTo(2 / 3, 10);
    expect(n.rows[1].p95Ms).toBe(quantile(HEALTH_HISTOGRAM, healthRow(reqsB).platHist, 0.95, 1, 20));
    expect(n.rows[2].p95Ms).toBeNull();
  });

  it("nodes table: last seen falls back to minute, then hour rows once a node's finer rows expired", async () => {
    const [D, E] = ["dddddddd-0000-4000-8000-000000000004", "eeeeeeee-0000-4000-8000-000000000005"];
    const minute = Math.floor(nowSec / 60) * 60 - 2 * 3600;
    const hour = Math.floor(nowSec / 3600) * 3600 - 2 * 86400;
    await insertNode(db, D, "gw-4");
    await insertNode(db, E, "gw-5");
    try {
      await insertHealth(db, "minutes", minute, D, [{ plat: 3, ulat: 30, status: 200 }]);
      await insertHealth(db, "hours", hour, D, [{ plat: 3, ulat: 30, status: 200 }]);
      await insertHealth(db, "hours", hour, E, [{ plat: 3, ulat: 30, status: 200 }]);
      const n = await getNodeTable(db, { range: { from: base, to: base + 3 }, nowMs });
      expect(n.rows.map((r) => [r.hostname, r.state, r.lastSeen])).toEqual([
        ["gw-1", "live", nowSec - 2],
        ["gw-2", "idle", nowSec - 2],
        ["gw-3", "silent", null],
        ["gw-4", "silent", minute],
        ["gw-5", "silent", hour],
      ]);
    } finally {
      await db.execute(sql`DELETE FROM health_minutes WHERE node_id IN (${D}::uuid, ${E}::uuid)`);
      await db.execute(sql`DELETE FROM health_hours WHERE node_id IN (${D}::uuid, ${E}::uuid)`);
      await db.execute(sql`DELETE FROM health_cluster_minutes WHERE bucket_ts = to_timestamp(${minute})`);
      await db.execute(sql`DELETE FROM nodes WHERE id IN (${D}::uuid, ${E}::uuid)`);
    }
  });
});

function healthRowEntity(values: number[]): number[] {
  const h = new Array(ENTITY_HISTOGRAM.bounds.length + 1).fill(0);
  for (const v of values) h[ENTITY_HISTOGRAM.lookup[v]]++;
  return h;
}
