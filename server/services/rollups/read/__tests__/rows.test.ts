import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, createPostgresDb, type Db, queryRows } from "@/db/client";
import { healthClusterSeconds, healthSeconds } from "@/db/schema";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { bucketOf, emptyHistogram, HEALTH_HISTOGRAM, quantile } from "@/lib/histogram";
import { createRng } from "@/lib/simulator/random";
import { emptyHealth, type HealthRow } from "@/server/services/ingest/aggregate";
import { type VitalsHealthBody, vitalsHealthJson } from "@/server/services/vitals/health";
import { parseVitalsQuery } from "@/server/services/vitals/params";
import { CLUSTER_COMPACTED_ID, compactClusterHealth, fillQuantiles } from "../../maintenance";
import { writeHealth } from "../../write-rollups";
import { aggregateHealth, getHealthSeries, getOverlaySeries, toHealthPoint } from "../health";
import { ALL_MEASURES, addHealth, healthRowText, parseHealthRow, VITALS_MEASURES } from "../health-rows";
import type { HealthPoint } from "../types";
import { healthRow, insertHealth, insertNode, overlayOf, type Req } from "./seed";

/** The Vitals body as a client reads it. */
const vitalsHealth = async (...args: Parameters<typeof vitalsHealthJson>) =>
  JSON.parse(await vitalsHealthJson(...args)) as VitalsHealthBody;

/**
 * Series read row by row (one stored row per node and bucket; a few cluster shard rows per bucket, merged in
 * JS) against an oracle computed from the requests themselves.
 */

// Last bytes 0x1e, 0xa0, 0x26, 0x6f: shards 6, 0, 6, 7, so two nodes share a cluster shard row.
const NODES = [
  "20426633-55dc-4050-89ef-2382c95a611e",
  "8374682f-17fd-42cb-b1dc-7694d6f65ba0",
  "5b0a3b8e-8c43-4a53-9d6f-1a2b3c4d5e26",
  "5b0a3b8e-8c43-4a53-9d6f-1a2b3c4d5e6f",
];
const BASE = 1_700_000_040; // a whole minute
const SECONDS = 12;
const NOW_MS = (BASE + 600) * 1000;
const RETENTION = { seconds: 3600, minutes: 90_000, hours: 2_592_000 };

type Cell = { reqs: Req[]; hits: number; misses: number; samples: number };

/** Per second and node: nothing (silent), a stats sample without requests (idle), or requests. */
function generate(seed: number): Map<number, Map<string, Cell>> {
  const rand = createRng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const out = new Map<number, Map<string, Cell>>();
  for (let s = 0; s < SECONDS; s++) {
    const byNode = new Map<string, Cell>();
    for (const node of NODES) {
      const r = rand();
      if (r < 0.2) continue;
      const reqs: Req[] =
        r < 0.3
          ? []
          : Array.from({ length: 1 + int(7) }, () => ({
              plat: int(40),
              ulat: rand() < 0.25 ? null : 5 + int(400),
              status: [200, 201, 304, 404, 429, 500, 503][int(7)],
              bytesIn: int(500),
              bytesOut: int(5000),
            }));
      byNode.set(node, { reqs, hits: int(4), misses: int(3), samples: 1 });
    }
    out.set(BASE + s, byNode);
  }
  return out;
}

const NULL_LATENCY = { min: null, max: null, avg: null, p50: null, p95: null, p99: null };

function latency(values: number[]) {
  if (values.length === 0) return NULL_LATENCY;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const hist = emptyHistogram(HEALTH_HISTOGRAM);
  for (const v of values) hist[bucketOf(HEALTH_HISTOGRAM, v)]++;
  const q = (p: number) => quantile(HEALTH_HISTOGRAM, hist, p, min, max);
  return {
    min,
    max,
    avg: Math.round(values.reduce((a, b) => a + b, 0) / values.length),
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
  };
}

/** The point a bucket should read as, from the requests of the given cells (none: silent). */
function expectedPoint(ts: number, step: number, cells: Cell[]): HealthPoint {
  if (cells.length === 0) return toHealthPoint(ts, step, undefined);
  const reqs = cells.flatMap((c) => c.reqs);
  const hits = cells.reduce((a, c) => a + c.hits, 0);
  const misses = cells.reduce((a, c) => a + c.misses, 0);
  const cls = (c: number) => reqs.filter((r) => Math.floor(r.status / 100) === c).length;
  return {
    ts,
    state: reqs.length > 0 ? "live" : "idle",
    requests: reqs.length,
    rps: reqs.length / step,
    cacheHits: hits,
    cacheMisses: misses,
    cacheHitRatio: hits + misses > 0 ? hits / (hits + misses) : null,
    proxy: latency(reqs.flatMap((r) => (r.plat === null ? [] : [r.plat]))),
    upstream: latency(reqs.flatMap((r) => (r.ulat === null ? [] : [r.ulat]))),
    status: { "1xx": cls(1), "2xx": cls(2), "3xx": cls(3), "4xx": cls(4), "5xx": cls(5), other: 0 },
    bytesIn: reqs.reduce((a, r) => a + (r.bytesIn ?? 0), 0),
    bytesOut: reqs.reduce((a, r) => a + (r.bytesOut ?? 0), 0),
  };
}

/** A stored row's text as healthRowText(ALL_MEASURES, …) sends it: absent measures 0, null bounds empty. */
function rowText(m: Record<string, number | null>, tail: string): string {
  return `${[60, ...ALL_MEASURES.map((c) => (c in m ? (m[c] ?? "") : 0))].join(",")}${tail}`;
}

const ROW_A = {
  requests: 3,
  cache_hits: 1,
  samples: 1,
  plat_min: null,
  plat_max: 7,
  plat_sum: 9,
  plat_count: 2,
  ulat_min: 4,
  ulat_max: 50,
  ulat_sum: 16,
  ulat_count: 1,
  bytes_in: 1,
  bytes_out: 3,
};

describe("health row text", () => {
  it("parses empty fields as null, empty histogram sections as none, and merges like the SQL aggregate", () => {
    const a = parseHealthRow(rowText(ROW_A, "|1,0,1|"), "histograms", null);
    expect(a).toMatchObject({ ts: 60, requests: 3, platMin: null, platMax: 7, ulatMin: 4, ulatMax: 50 });
    expect(a.platHist).toEqual([1, 0, 1]);
    expect(a.ulatHist).toBeNull();
    const b = parseHealthRow(
      rowText(
        {
          requests: 2,
          samples: 1,
          plat_min: 2,
          plat_max: null,
          plat_sum: 5,
          plat_count: 2,
          ulat_min: null,
          ulat_max: null,
        },
        "|0,0,0,4,1|3",
      ),
      "histograms",
      null,
    );
    expect(b.ulatMax).toBeNull();
    addHealth(a, b);
    expect(a).toMatchObject({ rows: 2, requests: 5, platMin: 2, platMax: 7, ulatMin: 4, ulatMax: 50 });
    expect(a.platHist).toEqual([1, 0, 1, 4, 1]);
    expect(a.ulatHist).toEqual([3]);
  });

  it("parses stored quantiles (hundredths of a ms, empty when no sample) in place of the histograms", () => {
    const row = parseHealthRow(rowText(ROW_A, "|q150,700,700,,,"), "stored", null);
    expect(row).toMatchObject({ ts: 60, requests: 3, platHist: null, ulatHist: null });
    expect(row.quantiles).toEqual([1.5, 7, 7, null, null, null]);
    expect(toHealthPoint(60, 1, row).proxy).toMatchObject({ p50: 1.5, p95: 7, p99: 7 });
    const other = parseHealthRow(
      rowText(
        {
          requests: 1,
          samples: 1,
          plat_min: null,
          plat_max: 3,
          plat_sum: 3,
          plat_count: 1,
          ulat_min: null,
          ulat_max: null,
        },
        "|0,0,0,1|",
      ),
      "histograms",
      null,
    );
    addHealth(row, other);
    expect(row.quantiles).toBeNull();
  });
});

describe.each(testBackends())("stored-row health reads on %s", (kind) => {
  let t: TestDb;
  let db: Db;
  // per backend: a test adds a late request to it
  const data = generate(42);
  const cellsAt = (ts: number, nodes: string[] = NODES): Cell[] =>
    nodes.flatMap((n) => {
      const c = data.get(ts)?.get(n);
      return c ? [c] : [];
    });
  const expectedSeries = (nodes?: string[]) =>
    [...data.keys()].map((ts) => expectedPoint(ts, 1, cellsAt(ts, nodes)));
  const clusterRows = async () =>
    (
      await queryRows<{ ts: unknown; n: unknown }>(
        db,
        sql`SELECT date_part('epoch', bucket_ts) AS ts, count(*) AS n FROM health_cluster_seconds GROUP BY 1`,
      )
    ).map((r) => [Number(r.ts), Number(r.n)]);

  beforeAll(async () => {
    t = await createTestDb(kind);
    db = t.db;
    for (const [i, id] of NODES.entries()) await insertNode(db, id, `gw-${i + 1}`);
    for (const [ts, byNode] of data)
      for (const [node, c] of byNode)
        await insertHealth(db, "seconds", ts, node, c.reqs, { hits: c.hits, misses: c.misses, samples: 1 });
  });
  afterAll(async () => t?.close());

  it("reads several shard rows per bucket and merges them exactly", async () => {
    expect((await clusterRows()).some(([, n]) => n > 1)).toBe(true);
    const s = await getHealthSeries(db, { range: { from: BASE, to: BASE + SECONDS }, nowMs: NOW_MS });
    expect(s.range.interval).toBe("seconds");
    expect(s.points).toEqual(expectedSeries());
  });

  it("reads one node, and overlays for several nodes, one stored row per bucket", async () => {
    for (const node of NODES) {
      const s = await getHealthSeries(db, {
        range: { from: BASE, to: BASE + SECONDS },
        nodeId: node,
        nowMs: NOW_MS,
      });
      expect({ node, points: s.points }).toEqual({ node, points: expectedSeries([node]) });
    }
    const overlays = await Promise.all(
      [NODES[2], NODES[0]].map((nodeId) =>
        getOverlaySeries(db, { range: { from: BASE, to: BASE + SECONDS }, nodeId, nowMs: NOW_MS }),
      ),
    );
    expect(overlays.map((x) => [x.nodeId, x.hostname])).toEqual([
      [NODES[2], "gw-3"],
      [NODES[0], "gw-1"],
    ]);
    expect(overlays[0].points).toEqual(expectedSeries([NODES[2]]).map(overlayOf));
    expect(overlays[1].points).toEqual(expectedSeries([NODES[0]]).map(overlayOf));
  });

  it("matches the SQL aggregate wherever both apply (a node's groups summed in SQL vs read as rows)", async () => {
    const seg = [{ level: "seconds" as const, from: BASE, to: BASE + SECONDS }];
    // step 2 is wider than the rows, so this is summed in SQL (per-cell histogram sums)
    const wide = await aggregateHealth(db, { segments: seg, step: 2, nodeId: NODES[1] });
    for (let ts = BASE; ts < BASE + SECONDS; ts += 2) {
      const cells = cellsAt(ts, [NODES[1]]).concat(cellsAt(ts + 1, [NODES[1]]));
      expect(toHealthPoint(ts, 2, wide.get(`${ts}|`))).toEqual(expectedPoint(ts, 2, cells));
    }
  });

  it("serves Vitals per node from rows and the cluster from merged shards, percentiles included", async () => {
    const query = parseVitalsQuery(
      new URL(`http://x/?interval=seconds&start_ts=${BASE}&end_ts=${BASE + SECONDS - 1}&percentiles=true`),
      { nowMs: NOW_MS },
    );
    const nine = (p: HealthPoint) => [
      p.cacheHits,
      p.cacheMisses,
      p.proxy.min,
      p.proxy.max,
      p.upstream.min,
      p.upstream.max,
      p.requests,
      p.proxy.avg,
      p.upstream.avg,
    ];
    const six = (p: HealthPoint) => [
      p.proxy.p50,
      p.proxy.p95,
      p.proxy.p99,
      p.upstream.p50,
      p.upstream.p95,
      p.upstream.p99,
    ];
    const expected = (nodes: string[]) => {
      const stats: Record<string, unknown[]> = {};
      const pct: Record<string, unknown[]> = {};
      for (const ts of data.keys()) {
        const cells = cellsAt(ts, nodes);
        if (cells.length === 0) continue;
        stats[ts] = nine(expectedPoint(ts, 1, cells));
        pct[ts] = six(expectedPoint(ts, 1, cells));
      }
      return { stats, pct };
    };
    const text = await vitalsHealthJson(db, { level: "nodes", query });
    // The text is what JSON.stringify writes for its own parse: valid, and every node's buckets ascending.
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    const nodes = JSON.parse(text) as VitalsHealthBody;
    if (!("percentiles" in nodes) || !nodes.percentiles) throw new Error("percentiles expected");
    expect(Object.keys(nodes.stats).sort()).toEqual([...NODES].sort());
    for (const node of NODES) {
      const e = expected([node]);
      expect({ node, stats: nodes.stats[node], pct: nodes.percentiles[node] }).toEqual({
        node,
        stats: e.stats,
        pct: e.pct,
      });
    }
    const one = await vitalsHealth(db, { level: "node", nodeId: NODES[3], query });
    expect(one.stats).toEqual({ [NODES[3]]: expected([NODES[3]]).stats });
    const cluster = await vitalsHealth(db, { level: "cluster", query });
    if (!("percentiles" in cluster) || !cluster.percentiles) throw new Error("percentiles expected");
    expect(cluster.stats).toEqual({ cluster: expected(NODES).stats });
    expect(cluster.percentiles).toEqual({ cluster: expected(NODES).pct });
  });

  it("maintenance compacts closed buckets to one row each; series, and late rows after it, stay exact", async () => {
    const nowS = BASE + SECONDS + 300;
    const before = await clusterRows();
    const removed = await compactClusterHealth(db, nowS, RETENTION);
    expect(removed).toBe(before.reduce((a, [, n]) => a + n - 1, 0));
    expect((await clusterRows()).every(([, n]) => n === 1)).toBe(true);
    const range = { from: BASE, to: BASE + SECONDS };
    expect((await getHealthSeries(db, { range, nowMs: NOW_MS })).points).toEqual(expectedSeries());
    expect(await compactClusterHealth(db, nowS, RETENTION)).toBe(0);

    // A late batch: a node row for a bucket the node was silent in, with its shard row next to the
    // compacted one (as ingest's upsert writes it).
    const ts = [...data.keys()].find((k) => !data.get(k)?.has(NODES[1])) as number;
    const late: Cell = {
      reqs: [
        { plat: 3, ulat: 900, status: 502 },
        { plat: 1, ulat: null, status: 200 },
      ],
      hits: 1,
      misses: 0,
      samples: 1,
    };
    data.get(ts)?.set(NODES[1], late);
    const row = { bucketTs: new Date(ts * 1000), ...healthRow(late.reqs, { hits: 1, samples: 1 }) };
    await db.insert(healthSeconds).values({ ...row, nodeId: NODES[1] });
    await db.insert(healthClusterSeconds).values({ ...row, nodeId: "00000000-0000-0000-0000-000000000000" });
    expect((await clusterRows()).find(([k]) => k === ts)?.[1]).toBe(2);
    expect((await getHealthSeries(db, { range, nowMs: NOW_MS })).points).toEqual(expectedSeries());
    expect(await compactClusterHealth(db, nowS, RETENTION)).toBe(1);
    const ids = await queryRows<{ id: string }>(
      db,
      sql`SELECT DISTINCT node_id::text AS id FROM health_cluster_seconds`,
    );
    expect(ids.map((r) => r.id)).toEqual([CLUSTER_COMPACTED_ID]);
    expect((await getHealthSeries(db, { range, nowMs: NOW_MS })).points).toEqual(expectedSeries());
  });

  it("maintenance stores closed rows' quantiles; reads use them, and a late upsert falls back to histograms", async () => {
    const nowS = BASE + SECONDS + 300;
    const range = { from: BASE, to: BASE + SECONDS };
    const query = parseVitalsQuery(
      new URL(`http://x/?interval=seconds&start_ts=${BASE}&end_ts=${BASE + SECONDS - 1}&percentiles=true`),
      { nowMs: NOW_MS },
    );
    const reads = async () => ({
      cluster: (await getHealthSeries(db, { range, nowMs: NOW_MS })).points,
      nodes: await Promise.all(
        NODES.map(async (nodeId) => (await getHealthSeries(db, { range, nodeId, nowMs: NOW_MS })).points),
      ),
      vitalsNodes: await vitalsHealth(db, { level: "nodes", query }),
      vitalsCluster: await vitalsHealth(db, { level: "cluster", query }),
    });
    const rowTexts = async (table: string) =>
      (
        await queryRows<{ r: string }>(
          db,
          sql`SELECT ${healthRowText(VITALS_MEASURES, "stored")} AS r FROM ${sql.raw(table)}
              WHERE bucket_ts >= to_timestamp(${BASE}) AND bucket_ts < to_timestamp(${BASE + SECONDS})`,
        )
      ).map((x) => x.r);

    const before = await reads();
    expect(before.cluster).toEqual(expectedSeries());
    expect((await rowTexts("health_seconds")).some((r) => r.includes("|q"))).toBe(false);
    expect(await fillQuantiles(db, nowS, RETENTION)).toBeGreaterThan(0);
    // Every row of the range now sends its six stored values instead of its histograms.
    for (const table of ["health_seconds", "health_cluster_seconds"])
      expect((await rowTexts(table)).every((r) => /\|q[0-9,]*$/.test(r))).toBe(true);
    expect(await reads()).toEqual(before);
    expect(await fillQuantiles(db, nowS, RETENTION)).toBe(0);

    // A late request for a filled node row, through ingest's upsert: the node row loses its stored values,
    // and the cluster bucket holds its compacted row (stored values) next to a new shard row (histograms).
    const [ts, node] = [BASE + 3, NODES.find((n) => data.get(BASE + 3)?.get(n)?.reqs.length) as string];
    const req = { plat: 250, ulat: 2500, status: 504 };
    data.get(ts)?.get(node)?.reqs.push(req);
    const r = healthRow([req]);
    const late: HealthRow = {
      ...emptyHealth(ts),
      ...r,
      platMin: r.platMin as number,
      platMax: r.platMax as number,
      ulatMin: r.ulatMin as number,
      ulatMax: r.ulatMax as number,
      classes: [0, 0, 0, 0, 1, 0],
    };
    await writeHealth(db, "health_seconds", [{ node, rows: [late] }]);
    await writeHealth(db, "health_cluster_seconds", [
      { node: "00000000-0000-0000-0000-000000000005", rows: [late] },
    ]);
    const nulls = await queryRows<{ id: string }>(
      db,
      sql`SELECT node_id::text AS id FROM health_seconds WHERE quantiles IS NULL AND bucket_ts >= to_timestamp(${BASE})`,
    );
    expect(nulls.map((x) => x.id)).toEqual([node]);
    expect((await clusterRows()).find(([k]) => k === ts)?.[1]).toBe(2);
    const after = await reads();
    expect(after.cluster).toEqual(expectedSeries());
    expect(after.nodes).toEqual(NODES.map((n) => expectedSeries([n])));
    expect(after.cluster[3].proxy.max).toBe(250);
    // The next maintenance pass: compaction merges the bucket again, then both rewritten rows get theirs.
    expect(await compactClusterHealth(db, nowS, RETENTION)).toBe(1);
    expect(await fillQuantiles(db, nowS, RETENTION)).toBe(2);
    expect(await reads()).toEqual(after);
  });

  it("compaction keeps the gauges ingest's upserts would: newest gauges_at wins, a tie takes the greatest", async () => {
    const ts = BASE - 120; // a bucket of its own
    const shard = (n: number) => `00000000-0000-0000-0000-00000000000${n}`;
    const at = (s: number) => new Date((ts + s) * 1000);
    const rows = [
      { n: 1, gaugesAt: at(1), connActive: 5, connTotal: 900, datastoreReachable: 1 },
      { n: 2, gaugesAt: at(3), connActive: 2, connTotal: null, datastoreReachable: 0 },
      { n: 3, gaugesAt: at(3), connActive: 4, connTotal: 700, datastoreReachable: 0 },
      { n: 4, gaugesAt: null, connActive: 99, connTotal: 99, datastoreReachable: 1 },
    ];
    for (const r of rows)
      await db.insert(healthClusterSeconds).values({
        bucketTs: new Date(ts * 1000),
        nodeId: shard(r.n),
        ...healthRow([{ plat: r.n, ulat: null, status: 200 }]),
        gaugesAt: r.gaugesAt,
        connActive: r.connActive,
        connTotal: r.connTotal,
        datastoreReachable: r.datastoreReachable,
      });
    await compactClusterHealth(db, BASE + SECONDS + 300, RETENTION);
    const [g] = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT node_id::text AS id, date_part('epoch', gauges_at) AS at, conn_active, conn_total,
                 datastore_reachable, requests, plat_min, plat_max
          FROM health_cluster_seconds WHERE bucket_ts = to_timestamp(${ts})`,
    );
    expect(Object.fromEntries(Object.entries(g).map(([k, v]) => [k, k === "id" ? v : Number(v)]))).toEqual({
      id: CLUSTER_COMPACTED_ID,
      at: ts + 3,
      conn_active: 4,
      conn_total: 700,
      datastore_reachable: 0,
      requests: 4,
      plat_min: 1,
      plat_max: 4,
    });
    await db.execute(sql`DELETE FROM health_cluster_seconds WHERE bucket_ts = to_timestamp(${ts})`);
  });

  it.runIf(kind === "postgres")(
    "compaction skips rows an ingest transaction holds instead of waiting",
    async () => {
      const ts = BASE + 1;
      const extra = { bucketTs: new Date(ts * 1000), ...healthRow([{ plat: 7, ulat: 70, status: 200 }]) };
      const shard = "00000000-0000-0000-0000-000000000003";
      await db.insert(healthClusterSeconds).values({ ...extra, nodeId: shard });
      const holder = createPostgresDb(t.url as string, { max: 1 });
      const worker = createPostgresDb(t.url as string, { max: 1 });
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked = () => {};
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holding = holder.transaction(async (tx) => {
        await tx.execute(
          sql`SELECT 1 FROM health_cluster_seconds WHERE bucket_ts = to_timestamp(${ts}) AND node_id = ${shard}::uuid FOR UPDATE`,
        );
        locked();
        await released;
      });
      try {
        await isLocked;
        // Waiting on the held row would fail here instead of hanging the suite.
        await worker.execute(sql.raw("SET lock_timeout = '5s'"));
        expect(await compactClusterHealth(worker, BASE + SECONDS + 300, RETENTION)).toBe(0);
        expect((await clusterRows()).find(([k]) => k === ts)?.[1]).toBe(2);
      } finally {
        release();
        await holding;
      }
      expect(await compactClusterHealth(worker, BASE + SECONDS + 300, RETENTION)).toBe(1);
      expect((await clusterRows()).find(([k]) => k === ts)?.[1]).toBe(1);
      await closeDb(holder);
      await closeDb(worker);
      const requests = (await getHealthSeries(db, { range: { from: ts, to: ts + 1 }, nowMs: NOW_MS }))
        .points[0].requests;
      expect(requests).toBe(cellsAt(ts).reduce((a, c) => a + c.reqs.length, 0) + 1);
    },
  );

  it("writes the row text the parser reads: NULL min/max as empty fields, histograms after '|'", async () => {
    const ts = [...data.keys()].find((k) =>
      data
        .get(k)
        ?.get(NODES[0])
        ?.reqs.some((r) => r.ulat === null),
    );
    const c = data.get(ts as number)?.get(NODES[0]) as Cell;
    const [row] = await queryRows<{ r: string }>(
      db,
      sql`SELECT ${healthRowText(VITALS_MEASURES, "histograms")} AS r FROM health_seconds
          WHERE bucket_ts = to_timestamp(${ts}) AND node_id = ${NODES[0]}::uuid`,
    );
    const r = healthRow(c.reqs, { hits: c.hits, misses: c.misses });
    const field = (v: number | null) => (v === null ? "" : String(v));
    const cells = (h: number[] | null) => h?.join(",") ?? "";
    expect(row.r).toBe(
      [
        [
          ts,
          r.requests,
          r.cacheHits,
          r.cacheMisses,
          field(r.platMin),
          field(r.platMax),
          r.platSum,
          r.platCount,
        ]
          .concat([field(r.ulatMin), field(r.ulatMax), r.ulatSum, r.ulatCount])
          .join(","),
        cells(r.platHist),
        cells(r.ulatHist),
      ].join("|"),
    );
  });
});
