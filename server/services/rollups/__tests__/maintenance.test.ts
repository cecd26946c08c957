import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, createPostgresDb, queryRows } from "@/db/client";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { event } from "@/server/services/ingest/__tests__/oracle";
import { ingestBatch } from "@/server/services/ingest/ingest-batch";
import type { IngestBatch } from "@/server/services/ingest/types";
import {
  CLUSTER_COMPACTED_ID,
  compactLiveMinutes,
  foldHour,
  listPartitions,
  ROLLUP_TABLES,
  retentionFromEnv,
  runMaintenance,
  startMaintenance,
} from "../maintenance";
import { getConsumerRoutes, getStatusCodeSeries } from "../read/codes";
import { getEntityTable } from "../read/entities";
import { aggregateHealth, getHealthSeries, toHealthPoint } from "../read/health";

const NODE = { id: "3c4d5e6f-0000-4000-8000-000000000001", hostname: "gw-m", version: null };
const SERVICE = "3c4d5e6f-0000-4000-8000-0000000000a1";

function batch(id: string, atS: number, n: number): IngestBatch {
  return {
    batchId: id,
    node: NODE,
    stats: [],
    events: Array.from({ length: n }, (_, i) => event(atS * 1000 + i, { serviceId: SERVICE })),
  };
}

describe("retention settings", () => {
  it("reads GATEWATCH_RETENTION_*_TABLE in seconds and rejects nonsense", () => {
    expect(retentionFromEnv({})).toEqual({ seconds: 3600, minutes: 90_000, hours: 2_592_000 });
    expect(
      retentionFromEnv({
        GATEWATCH_RETENTION_SECONDS_TABLE: "600",
        GATEWATCH_RETENTION_MINUTES_TABLE: "86400",
        GATEWATCH_RETENTION_HOURS_TABLE: "604800",
      }),
    ).toEqual({ seconds: 600, minutes: 86_400, hours: 604_800 });
    expect(() => retentionFromEnv({ GATEWATCH_RETENTION_HOURS_TABLE: "soon" })).toThrow(
      /GATEWATCH_RETENTION_HOURS_TABLE/,
    );
  });
});

describe.each(testBackends())("rollup maintenance on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t?.close());

  it("creates partitions ahead, folds closed hours, then expires minutes only after folding them", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const retention = { seconds: 3600, minutes: 4 * 3600, hours: 86_400 * 2 };
    const hour = nowS - (nowS % 3600) - 3 * 3600;
    await ingestBatch(t.db, batch("m-1", hour + 10, 6), { retention });
    const m = startMaintenance(t.db, { retention, intervalMs: 60_000 });
    await m.stop(); // stop waits for the first pass
    for (const table of [...ROLLUP_TABLES.seconds, ...ROLLUP_TABLES.minutes, ...ROLLUP_TABLES.hours]) {
      const starts = (await listPartitions(t.db, table)).map((p) => p.start);
      const span = table.endsWith("_hours") ? 86_400 : 3600;
      const current = nowS - (nowS % span);
      expect({
        table,
        ahead: [current, current + span, current + 2 * span].every((s) => starts.includes(s)),
      }).toEqual({
        table,
        ahead: true,
      });
    }
    const folds = await queryRows<{ h: string }>(
      t.db,
      sql`SELECT extract(epoch FROM hour)::int8 AS h FROM rollup_hour_folds ORDER BY 1`,
    );
    expect(folds.map((r) => Number(r.h))).toContain(hour);
    const hourly = async () =>
      Number(
        (
          await queryRows<{ n: string | null }>(
            t.db,
            sql`SELECT sum(count) AS n FROM codes_route_hours WHERE service_id = ${SERVICE}`,
          )
        )[0].n ?? 0,
      );
    expect(await hourly()).toBe(6);

    // A late event for a folded hour goes to the hour table; a later pass must not count anything twice.
    await ingestBatch(t.db, batch("m-2", hour + 20, 4), { retention });
    await runMaintenance(t.db, nowS, retention);
    expect(await hourly()).toBe(10);

    // Five hours later the minute partition of that hour is past retention: dropped, hours kept.
    const before = (await listPartitions(t.db, "codes_route_minutes")).map((p) => p.start);
    expect(before).toContain(hour);
    await runMaintenance(t.db, nowS + 5 * 3600, retention);
    const after = (await listPartitions(t.db, "codes_route_minutes")).map((p) => p.start);
    expect(after).not.toContain(hour);
    expect(await hourly()).toBe(10);
  });

  it("compacts the cluster shard rows ingest wrote; the cluster series stays the sum of the node rows", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const t0 = nowS - 1800;
    // Last bytes 0x01, 0x0a, 0x17, 0x1f: shards 1, 2, 7, 7.
    const ids = ["01", "0a", "17", "1f"].map((b) => `3c4d5e6f-0000-4000-8000-0000000001${b}`);
    for (const [k, id] of ids.entries())
      for (let s = 0; s < 3; s++)
        await ingestBatch(t.db, {
          ...batch(`c-${k}-${s}`, t0 + s, 2 + k + s),
          node: { id, hostname: `gw-c${k}`, version: null },
          events: batch(`c-${k}-${s}`, t0 + s, 2 + k + s).events.map((e, i) => ({
            ...e,
            status: [200, 404, 503][(i + k) % 3],
            latKong: (i * 7 + k * 3) % 23,
            latProxy: k === 3 && i === 0 ? null : 11 + ((i * 37 + k * 101 + s) % 400),
          })),
        });
    const shardRows = async () =>
      queryRows<{ id: string; n: string }>(
        t.db,
        sql`SELECT node_id::text AS id, count(*) AS n FROM health_cluster_seconds
            WHERE bucket_ts >= to_timestamp(${t0}) AND bucket_ts < to_timestamp(${t0 + 3}) GROUP BY 1 ORDER BY 1`,
      );
    expect((await shardRows()).length).toBe(3);
    const range = { from: t0, to: t0 + 3 };
    const fromNodes = async () => {
      // Summed in SQL over the node rows (several nodes per bucket): independent of the cluster tables.
      const g = await aggregateHealth(t.db, {
        segments: [{ level: "seconds", from: t0, to: t0 + 3 }],
        step: 1,
        nodeIds: ids,
      });
      return [t0, t0 + 1, t0 + 2].map((ts) => toHealthPoint(ts, 1, g.get(`${ts}|`)));
    };
    const expected = await fromNodes();
    expect(expected.map((p) => p.requests)).toEqual([14, 18, 22]);
    expect((await getHealthSeries(t.db, { range, nowMs: nowS * 1000 })).points).toEqual(expected);
    await runMaintenance(t.db, nowS, retentionFromEnv({}));
    expect(await shardRows()).toEqual([{ id: CLUSTER_COMPACTED_ID, n: expect.anything() }]);
    expect(Number((await shardRows())[0].n)).toBe(3);
    expect((await getHealthSeries(t.db, { range, nowMs: nowS * 1000 })).points).toEqual(expected);

    // A late batch for a compacted second lands in its shard row; the next pass folds it in.
    await ingestBatch(t.db, {
      ...batch("c-late", t0 + 1, 5),
      node: { id: ids[0], hostname: "gw-c0", version: null },
    });
    const withLate = await fromNodes();
    expect(withLate.map((p) => p.requests)).toEqual([14, 23, 22]);
    expect((await getHealthSeries(t.db, { range, nowMs: nowS * 1000 })).points).toEqual(withLate);
    await runMaintenance(t.db, nowS, retentionFromEnv({}));
    expect(Number((await shardRows())[0].n)).toBe(3);
    expect((await getHealthSeries(t.db, { range, nowMs: nowS * 1000 })).points).toEqual(withLate);
  });

  it("indexes and vacuums a folded hour's consumer×route, route and entity minutes; entity reads stay the same", async () => {
    // A database of its own: the other tests' maintenance passes fold every closed hour.
    const own = await createTestDb(kind);
    const db = own.db;
    const nowS = Math.floor(Date.now() / 1000);
    const hour = nowS - (nowS % 3600) - 2 * 3600;
    // ids around the route's (…b1), so entity order alone would interleave the kinds
    const consumers = ["3c4d5e6f-0000-4000-8000-0000000000a1", "3c4d5e6f-0000-4000-8000-0000000000c2"];
    for (const [k, consumerId] of consumers.entries())
      for (const m of [1, 2, 2, 30])
        await ingestBatch(db, {
          ...batch(`cr-${k}-${m}-${Math.random()}`, hour + m * 60, 3 + k),
          events: batch("x", hour + m * 60, 3 + k).events.map((e, i) => ({
            ...e,
            consumerId,
            routeId: "3c4d5e6f-0000-4000-8000-0000000000b1",
            status: [200, 401][(i + m) % 2],
          })),
        });
    const series = (id: string) =>
      getStatusCodeSeries(db, {
        range: { from: hour, to: hour + 3600 },
        entity: { kind: "consumer", id },
        nowMs: nowS * 1000,
      });
    const entitySeries = () =>
      Promise.all([
        ...consumers.map(series),
        ...(
          [
            ["service", SERVICE],
            ["route", "3c4d5e6f-0000-4000-8000-0000000000b1"],
          ] as const
        ).map(([kind, id]) =>
          getStatusCodeSeries(db, {
            range: { from: hour, to: hour + 3600 },
            entity: { kind, id },
            nowMs: nowS * 1000,
          }),
        ),
      ]);
    const before = await entitySeries();
    expect(before[0].totals).toEqual({ "200": 7, "401": 5 });
    expect(before[1].totals).toEqual({ "200": 8, "401": 8 });
    expect(before[2].totals).toEqual({ "200": 15, "401": 13 });
    expect(before[3].totals).toEqual(before[2].totals);
    // the consumers table from minute 2: a range starting inside a folded hour (the kind index)
    const consumerTable = () =>
      getEntityTable(db, {
        range: { from: hour + 120, to: hour + 3600 },
        kind: "consumer",
        nowMs: nowS * 1000,
      });
    const tableBefore = await consumerTable();
    expect(tableBefore.rows.filter((r) => r.requests > 0).map((r) => r.requests)).toEqual([12, 9]); // minutes 2, 2 and 30 of 1, 2, 2, 30
    expect(await foldHour(db, hour)).toBe(true);
    // The hour's minute partition of `table`, and its indexes as "btree (columns)", sorted.
    const folded = async (table: string) => {
      const name = (await listPartitions(db, table)).find((p) => p.start === hour)?.name as string;
      const rows = await queryRows<{ def: string }>(
        db,
        sql`SELECT indexdef AS def FROM pg_indexes WHERE tablename = ${name} ORDER BY 1`,
      );
      return { name, indexes: rows.map((i) => i.def.replace(/.* USING /, "")) };
    };
    const consumerRoute = await folded("codes_consumer_route_minutes");
    expect(consumerRoute.indexes).toEqual(["btree (consumer_id, bucket_ts)"]);
    expect((await folded("codes_route_minutes")).indexes).toEqual([
      "btree (route_id, bucket_ts)",
      "btree (service_id, bucket_ts)",
    ]);
    const entity = await folded("entity_traffic_minutes");
    expect(entity.indexes).toEqual([
      "btree (kind, bucket_ts)",
      "btree (kind, bucket_ts) WHERE (NOT compacted)",
    ]);
    // compacted one kind after another: in heap order, each kind's rows come in one run
    const kinds = await queryRows<{ kind: string }>(
      db,
      sql.raw(`SELECT kind FROM "${entity.name}" ORDER BY ctid`),
    );
    const runs = kinds.map((r) => r.kind).filter((k, i, all) => k !== all[i - 1]);
    expect(runs).toEqual(["consumer", "route", "service"]);
    // VACUUM (ANALYZE) ran: statistics count the compacted rows and every page is all-visible.
    const [stats] = await queryRows<{ tuples: unknown; pages: unknown; visible: unknown; live: unknown }>(
      db,
      sql`SELECT reltuples AS tuples, relpages AS pages, relallvisible AS visible,
                 (SELECT count(*) FROM codes_consumer_route_minutes
                  WHERE bucket_ts >= to_timestamp(${hour}) AND bucket_ts < to_timestamp(${hour + 3600})) AS live
          FROM pg_class WHERE relname = ${consumerRoute.name}`,
    );
    expect(Number(stats.tuples)).toBe(Number(stats.live));
    expect(Number(stats.visible)).toBe(Number(stats.pages));
    expect(Number(stats.pages)).toBeGreaterThan(0);
    expect(await entitySeries()).toEqual(before);
    expect(await consumerTable()).toEqual(tableBefore);
    await own.close();
  });

  it("compacts the live hour's closed minutes to a row per key; batches landing meanwhile are kept", async () => {
    // A database of its own: the other tests' passes moved their handle's compaction mark.
    const own = await createTestDb(kind);
    const db = own.db;
    const nowS = Math.floor(Date.now() / 1000);
    const minute = nowS - (nowS % 60);
    const [m1, m2] = [minute - 180, minute - 120];
    const consumers = ["3c4d5e6f-0000-4000-8000-0000000000c1", "3c4d5e6f-0000-4000-8000-0000000000c2"];
    const ROUTE = "3c4d5e6f-0000-4000-8000-0000000000b1";
    let seq = 0;
    // One node's batch of n events at `atS`: consumers alternate, every third event is a 503.
    const post = (atS: number, n: number) =>
      ingestBatch(db, {
        ...batch(`lc-${seq++}`, atS, n),
        events: batch("x", atS, n).events.map((e, i) => ({
          ...e,
          consumerId: consumers[i % 2],
          routeId: ROUTE,
          status: i % 3 === 0 ? 503 : 200,
          latProxy: 3 + ((i * 17) % 40),
        })),
      });
    for (const at of [m1, m1 + 1, m1 + 2, m2 + 5, m2 + 6, minute, minute + 1]) await post(at, 5);
    const rowsOf = async (table: string, from: number, to: number) =>
      Number(
        (
          await queryRows<{ n: unknown }>(
            db,
            sql`SELECT count(*) AS n FROM ${sql.raw(table)}
                WHERE bucket_ts >= to_timestamp(${from}) AND bucket_ts < to_timestamp(${to})`,
          )
        )[0].n,
      );
    // m2's entity measures per key, histograms included: no racing batch touches m2, so compaction must keep
    // them exactly.
    const m2Entities = () =>
      queryRows(
        db,
        sql`SELECT entity_id::text AS id, kind, sum(requests)::float8 AS requests, sum(rlat_count)::float8 AS n,
                   sum(rlat_sum)::float8 AS s, gw_hist_sum(rlat_hist)::text AS hist
            FROM entity_traffic_minutes WHERE bucket_ts >= to_timestamp(${m2}) AND bucket_ts < to_timestamp(${m2 + 60})
            GROUP BY 1, 2 ORDER BY 1, 2`,
      );
    const m2Before = await m2Entities();
    const range = { from: m1, to: minute + 60 };
    const reads = () =>
      Promise.all([
        getEntityTable(db, { range, kind: "consumer", nowMs: nowS * 1000 }),
        getConsumerRoutes(db, { range, nowMs: nowS * 1000 }),
        getStatusCodeSeries(db, { range, entity: { kind: "route", id: ROUTE }, nowMs: nowS * 1000 }),
        getStatusCodeSeries(db, { range, entity: { kind: "cluster" }, nowMs: nowS * 1000 }),
      ]);
    const before = await reads();
    expect(before[0].rows.filter((r) => r.requests > 0).map((r) => r.requests)).toEqual([21, 14]);
    expect(before[2].totals).toEqual({ "200": 21, "503": 14 });
    // three batches in m1, two in m2: a row per batch and key until compacted
    expect(await rowsOf("codes_consumer_route_minutes", m1, m1 + 60)).toBe(12);
    expect(await rowsOf("entity_traffic_minutes", m1, m1 + 60)).toBe(3 * 4);

    // A pass at m1 marks where this handle starts; the next one compacts m1 and m2, never the open minute.
    await compactLiveMinutes(db, m1, retentionFromEnv({}));
    // Batches for m1 land while the pass runs (on PGlite they queue behind it).
    const [removed] = await Promise.all([
      compactLiveMinutes(db, minute + 11, retentionFromEnv({})),
      post(m1 + 30, 4),
      post(m1 + 31, 4),
    ]);
    expect(removed).toBeGreaterThan(0);
    // consumer×route: 2 consumers × 2 codes per minute, plus any late batch the pass did not see
    const crM1 = await rowsOf("codes_consumer_route_minutes", m1, m1 + 60);
    expect([4, 8, 12]).toContain(crM1);
    expect(await rowsOf("codes_consumer_route_minutes", m2, m2 + 60)).toBe(4);
    // entity rows: 2 consumers, 1 route, 1 service
    expect(await rowsOf("entity_traffic_minutes", m2, m2 + 60)).toBe(4);
    expect(await rowsOf("codes_cluster_minutes", m2, m2 + 60)).toBe(2);
    expect(await rowsOf("codes_consumer_route_minutes", minute, minute + 60)).toBe(8);
    expect(await rowsOf("entity_traffic_minutes", minute, minute + 60)).toBe(8);

    // Every read counts each event once: the 35 before, and the 8 of the batches that raced the pass.
    const after = await reads();
    expect(after[0].rows.filter((r) => r.requests > 0).map((r) => r.requests)).toEqual([25, 18]);
    expect(after[2].totals).toEqual({ "200": 25, "503": 18 });
    const sumRequests = (r: (typeof before)[1]) => r.rows.reduce((n, row) => n + row.requests, 0);
    expect(sumRequests(after[1])).toBe(sumRequests(before[1]) + 8);
    expect(Object.values(after[3].totals).reduce((a, b) => a + b, 0)).toBe(43);
    expect(m2Before).toHaveLength(4);
    expect(await m2Entities()).toEqual(m2Before);
    expect(after[0].rows.slice(0, 2).map((r) => r.p95Ms)).toEqual(
      before[0].rows.slice(0, 2).map((r) => r.p95Ms),
    );

    // The next pass starts where this one stopped: nothing left to do, and a late batch stays as it is.
    await post(m2 + 40, 2);
    expect(await compactLiveMinutes(db, minute + 20, retentionFromEnv({}))).toBe(0);
    expect(await rowsOf("entity_traffic_minutes", m2, m2 + 60)).toBe(8);

    // startMaintenance compacts on its own, shorter cadence: the open minute once it has closed.
    let clock = minute + 20;
    const errors: unknown[] = [];
    const m = startMaintenance(db, {
      now: () => clock,
      compactIntervalMs: 50,
      onError: (e) => errors.push(e),
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await rowsOf("entity_traffic_minutes", minute, minute + 60)).toBe(8);
    clock = minute + 60 + 11;
    for (let i = 0; i < 50 && (await rowsOf("entity_traffic_minutes", minute, minute + 60)) > 4; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await rowsOf("entity_traffic_minutes", minute, minute + 60)).toBe(4);
    await m.stop();
    expect(errors).toEqual([]);
    await own.close();
  });

  it("entity tables read the ten-minute sums the compaction keeps: every range as from the minute rows alone", async () => {
    // Two databases get the same batches; only `kept` is maintained (live compaction, folds, tens). `raw`
    // keeps ingest's partial minute rows and no tens or hours, so its tables sum minute rows alone.
    const [kept, raw] = await Promise.all([createTestDb(kind), createTestDb(kind)]);
    const nowS = Math.floor(Date.now() / 1000);
    const minute = nowS - (nowS % 60);
    const consumers = [1, 2, 3].map((i) => `3c4d5e6f-0000-4000-8000-0000000000d${i}`);
    let seq = 0;
    const post = async (atS: number, n: number) => {
      const k = seq++;
      const b = {
        ...batch(`tens-${k}`, atS, n),
        events: batch("x", atS, n).events.map((e, i) => ({
          ...e,
          consumerId: consumers[(i + k) % 3],
          routeId: "3c4d5e6f-0000-4000-8000-0000000000b1",
          status: (i + k) % 4 === 0 ? 502 : (i + k) % 5 === 0 ? 404 : 200,
          latProxy: 2 + ((i * 31 + k * 7) % 900),
        })),
      };
      await ingestBatch(kept.db, b);
      await ingestBatch(raw.db, b);
    };
    // 90 minutes of batches, two per minute on most minutes: the hour before last is folded by the pass below.
    for (let m = 90; m >= 1; m--)
      if (m % 7 !== 3) for (const s of [5, 40]) await post(minute - m * 60 + s, 2 + (m % 4));
    // The first pass marks where this handle starts; the second compacts every closed minute (into the tens),
    // then the fold compacts the closed hours again, taking only what the tens lack.
    await compactLiveMinutes(kept.db, minute - 90 * 60, retentionFromEnv({}));
    await compactLiveMinutes(kept.db, nowS, retentionFromEnv({}));
    await runMaintenance(kept.db, nowS, retentionFromEnv({}));
    // Late batches: into minutes the pass compacted (they stay partial rows) and into the open minute. Not
    // into a folded hour: its late events go to the hour table only, which a range edge inside that hour
    // does not read (in `raw` they would be minute rows).
    const folded = new Set(
      (
        await queryRows<{ h: unknown }>(
          kept.db,
          sql`SELECT extract(epoch FROM hour)::int8 AS h FROM rollup_hour_folds`,
        )
      ).map((r) => Number(r.h)),
    );
    for (const m of [30, 12, 4, 2, 0]) {
      const at = minute - m * 60 + 50;
      if (!folded.has(at - (at % 3600))) await post(at, 3);
    }

    const tens = await queryRows<{ n: unknown; compacted: unknown; partial: unknown }>(
      kept.db,
      sql`SELECT (SELECT count(*) FROM entity_traffic_tens) AS n,
                 (SELECT count(*) FROM entity_traffic_minutes WHERE compacted) AS compacted,
                 (SELECT count(*) FROM entity_traffic_minutes WHERE NOT compacted) AS partial`,
    );
    expect(Number(tens[0].n)).toBeGreaterThan(0);
    expect(Number(tens[0].compacted)).toBeGreaterThan(0);
    expect(Number(tens[0].partial)).toBeGreaterThan(0);
    // A tens row is exactly its compacted minute rows.
    const drift = await queryRows(
      kept.db,
      sql`SELECT t.bucket_ts, t.entity_id FROM entity_traffic_tens t
          LEFT JOIN (SELECT to_timestamp(floor(extract(epoch FROM bucket_ts) / 600) * 600) AS b, entity_id, kind,
                            sum(requests) AS requests, gw_hist_sum(rlat_hist) AS hist
                     FROM entity_traffic_minutes WHERE compacted GROUP BY 1, 2, 3) m
            ON m.b = t.bucket_ts AND m.entity_id = t.entity_id AND m.kind = t.kind
          WHERE m.requests IS DISTINCT FROM t.requests OR m.hist IS DISTINCT FROM t.rlat_hist`,
    );
    expect(drift).toEqual([]);

    const table = async (db: typeof kept.db, from: number, to: number) =>
      (await getEntityTable(db, { range: { from, to }, kind: "consumer", nowMs: nowS * 1000 })).rows.map(
        ({ lastSeen, ...r }) => r,
      );
    const ranges: [number, number][] = [
      [minute - 91 * 60, minute + 60],
      [minute - 3600, minute + 60],
    ];
    for (let i = 0; i < 12; i++) {
      const from = minute - (1 + ((i * 37) % 90)) * 60;
      ranges.push([from, Math.min(minute + 60, from + (1 + ((i * 53) % 80)) * 60)]);
    }
    for (const [from, to] of ranges)
      expect(await table(kept.db, from, to)).toEqual(await table(raw.db, from, to));
    // "Last traffic" keeps its minute through the tens rows (last_ts): a range that ends with whole ten minutes.
    const end = Math.floor((minute - 5 * 60) / 600) * 600;
    const lastSeen = async (db: typeof kept.db) =>
      (
        await getEntityTable(db, {
          range: { from: end - 1800, to: end },
          kind: "consumer",
          nowMs: nowS * 1000,
        })
      ).rows.map((r) => r.lastSeen);
    expect((await lastSeen(raw.db)).some((t) => t !== null && t % 600 !== 0)).toBe(true);
    expect(await lastSeen(kept.db)).toEqual(await lastSeen(raw.db));
    await Promise.all([kept.close(), raw.close()]);
  });

  it.runIf(kind === "postgres")("elects one leader per cluster and hands over when it stops", async () => {
    const other = createPostgresDb(t.url as string, { max: 2 });
    const held = async () =>
      Number(
        (
          await queryRows<{ n: string }>(
            t.db,
            sql`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = ${0x6777_0003}
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          )
        )[0].n,
      );
    const passes: string[] = [];
    // Polls instead of fixed sleeps: passes are slow on a loaded machine.
    const eventually = async (want: number) => {
      for (let i = 0; i < 100 && (await held()) !== want; i++) await new Promise((r) => setTimeout(r, 100));
      return held();
    };
    const a = startMaintenance(t.db, { intervalMs: 100, onError: (e) => passes.push(String(e)) });
    expect(await eventually(1)).toBe(1);
    const b = startMaintenance(other, { intervalMs: 100, onError: (e) => passes.push(String(e)) });
    await new Promise((r) => setTimeout(r, 500));
    expect(await held()).toBe(1); // never two leaders
    await a.stop();
    expect(await eventually(1)).toBe(1); // b took over
    await b.stop();
    expect(await held()).toBe(0);
    expect(passes).toEqual([]);
    await closeDb(other);
  });
});
