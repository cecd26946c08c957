import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { HEALTH_HISTOGRAM, quantile } from "@/lib/histogram";
import { createRng, logNormal } from "@/lib/simulator/random";
import { dropExpiredPartitions, foldHour, listPartitions } from "@/server/services/rollups/maintenance";
import { ingestBatch } from "../ingest-batch";
import type { IngestObserver } from "../observer";
import type { IngestBatch, IngestEvent } from "../types";
import { ALL_TABLES, event, oracle, simulate, snapshot } from "./oracle";

const RETENTION = { seconds: 3600, minutes: 90_000, hours: 30 * 86_400 };

const NODE = { id: "6f1c2d4e-0000-4000-8000-000000000001", hostname: "gw-t", version: "3.9.3" };
const SERVICE = "6f1c2d4e-0000-4000-8000-0000000000a1";

describe.each(testBackends())("ingestBatch on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { max: 8 });
  });
  afterAll(() => t?.close());

  it("matches a per-event oracle in every rollup table, and counts a repeated batch_id once", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    // 30 s two hours ago (minutes + folded hours, seconds out of window) and 40 s of recent traffic.
    const old = simulate({ seed: 3, startS: nowS - 7200 - 30, seconds: 30, perSecond: 40, tag: "old" });
    const recent = simulate({ seed: 4, startS: nowS - 100, seconds: 40, perSecond: 40, tag: "new" });
    const batches = [...old.batches, ...recent.batches];
    let skippedSeconds = 0;
    for (const b of batches) {
      const r = await ingestBatch(t.db, b, { retention: RETENTION });
      expect(r.accepted).toBe(true);
      skippedSeconds += r.skipped.health_seconds ?? 0;
    }
    // a client retry of already committed batches: acknowledged, not counted
    for (const b of batches.slice(0, 5)) {
      const r = await ingestBatch(t.db, b, { retention: RETENTION });
      expect(r.accepted).toBe(false);
    }
    const hours = new Set(
      batches.flatMap((b) => b.events.map((e) => Math.floor(e.startedAt / 3_600_000) * 3600)),
    );
    for (const h of hours) expect(await foldHour(t.db, h)).toBe(true);
    expect(await foldHour(t.db, [...hours][0])).toBe(false); // a second fold of the same hour is a no-op

    const expected = oracle(batches, { secondsFrom: nowS - RETENTION.seconds });
    const actual = await snapshot(t.db, ALL_TABLES);
    for (const table of ALL_TABLES)
      expect({ table, rows: actual[table] }).toEqual({ table, rows: expected[table] });
    const oldEvents = old.batches.reduce((n, b) => n + b.events.length + b.stats.length, 0);
    expect(skippedSeconds).toBe(oldEvents);
  });

  it("routes late events of a folded hour to the hour tables, so each event counts once per grain", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    // Four hours back: the test above folds the hours of its traffic from 2 h ago, which is 3 hours back in
    // the first 30 s of an hour (a fresh-clone CI run once hit that, and this fold returned false).
    const hour = nowS - (nowS % 3600) - 4 * 3600;
    const mk = (id: string, at: number, n: number): IngestBatch => ({
      batchId: id,
      node: NODE,
      events: Array.from({ length: n }, (_, i) => event(at * 1000 + i, { serviceId: SERVICE, status: 503 })),
      stats: [],
    });
    await ingestBatch(t.db, mk("late-1", hour + 60, 5), { retention: RETENTION });
    expect(await foldHour(t.db, hour)).toBe(true);
    await ingestBatch(t.db, mk("late-2", hour + 120, 7), { retention: RETENTION });
    const [minutes] = await queryRows<{ n: string }>(
      t.db,
      sql`SELECT sum(count) AS n FROM codes_route_minutes WHERE service_id = ${SERVICE} AND status_code = 503`,
    );
    const [hours] = await queryRows<{ n: string }>(
      t.db,
      sql`SELECT sum(count) AS n FROM codes_route_hours WHERE service_id = ${SERVICE} AND status_code = 503`,
    );
    expect(Number(minutes.n)).toBe(5); // the late batch did not go to the (already folded) minutes
    expect(Number(hours.n)).toBe(12);
    const [ent] = await queryRows<{ n: string }>(
      t.db,
      sql`SELECT sum(status_5xx) AS n FROM entity_traffic_hours WHERE entity_id = ${SERVICE}`,
    );
    expect(Number(ent.n)).toBe(12);
    // the cluster's codes as well: the late batch upserts the folded hour's (hour, code) row
    const cluster = await queryRows<{ grain: string; n: string }>(
      t.db,
      sql`SELECT 'minutes' AS grain, sum(count) AS n FROM codes_cluster_minutes
            WHERE status_code = 503 AND bucket_ts >= to_timestamp(${hour}) AND bucket_ts < to_timestamp(${hour + 3600})
          UNION ALL SELECT 'hours', sum(count) FROM codes_cluster_hours
            WHERE status_code = 503 AND bucket_ts = to_timestamp(${hour})`,
    );
    expect(cluster.map((r) => [r.grain, Number(r.n)])).toEqual([
      ["minutes", 5],
      ["hours", 12],
    ]);
  });

  it("skips events outside a table's window for that table only, and drops expired partitions", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const retention = { seconds: 3600, minutes: 7200, hours: 86_400 };
    const node = { ...NODE, id: "6f1c2d4e-0000-4000-8000-000000000002" };
    const at = nowS - 3 * 3600; // past seconds and minutes, inside hours
    const r = await ingestBatch(
      t.db,
      { batchId: "window-1", node, events: [event(at * 1000), event(at * 1000 + 1)], stats: [] },
      { retention },
    );
    expect(r.skipped).toMatchObject({ health_seconds: 2, health_minutes: 2, codes_node_minutes: 2 });
    expect(r.skipped.health_hours).toBeUndefined();
    const count = async (table: string) =>
      Number(
        (
          await queryRows<{ n: string }>(
            t.db,
            sql.raw(`SELECT coalesce(sum(requests), 0) AS n FROM ${table} WHERE node_id = '${node.id}'`),
          )
        )[0].n,
      );
    expect(await count("health_seconds")).toBe(0);
    expect(await count("health_minutes")).toBe(0);
    expect(await count("health_hours")).toBe(2);
    const [codes] = await queryRows<{ n: string }>(
      t.db,
      sql`SELECT sum(count) AS n FROM codes_node_hours WHERE node_id = ${node.id}`,
    );
    expect(Number(codes.n)).toBe(2); // too old for minutes: written at hour grain directly

    // Too old for every table: nothing written, everything reported.
    const ancient = await ingestBatch(
      t.db,
      { batchId: "window-2", node, events: [event((nowS - 3 * 86_400) * 1000)], stats: [] },
      { retention },
    );
    expect(ancient.skipped).toMatchObject({ health_hours: 1, codes_node_hours: 1 });

    // Expiry: 3 days later every partition that exists now is past its retention.
    await ingestBatch(
      t.db,
      { batchId: "window-0", node: NODE, events: [event(nowS * 1000)], stats: [] },
      { retention },
    );
    const before = await listPartitions(t.db, "health_seconds");
    expect(before.length).toBeGreaterThan(0);
    const dropped = await dropExpiredPartitions(t.db, nowS + 3 * 86_400, retention);
    expect(dropped).toEqual(expect.arrayContaining(before.map((p) => p.name)));
    expect(await listPartitions(t.db, "health_seconds")).toEqual([]);
    const defaults = await queryRows(
      t.db,
      sql`SELECT 1 FROM pg_partitioned_table pt WHERE pt.partdefid <> 0`,
    );
    expect(defaults).toEqual([]); // never a default partition
    // and ingest recreates what it needs on demand
    await ingestBatch(
      t.db,
      { batchId: "window-3", node, events: [event(nowS * 1000)], stats: [] },
      { retention },
    );
    expect(await count("health_seconds")).toBe(1);
    // Another instance drops a partition this process still has cached: the batch recreates it and lands.
    for (const p of await listPartitions(t.db, "health_seconds"))
      await t.db.execute(sql.raw(`DROP TABLE "${p.name}"`));
    await ingestBatch(
      t.db,
      { batchId: "window-4", node, events: [event(nowS * 1000)], stats: [] },
      { retention },
    );
    expect(await count("health_seconds")).toBe(1);
  });

  it("rolls back everything, including observer writes, when an observer fails", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const node = { ...NODE, id: "6f1c2d4e-0000-4000-8000-000000000003" };
    const failing: IngestObserver = {
      name: "boom",
      async inTransaction() {
        throw new Error("observer failed");
      },
    };
    const batch: IngestBatch = { batchId: "obs-1", node, events: [event(nowS * 1000)], stats: [] };
    await expect(ingestBatch(t.db, batch, { retention: RETENTION, observers: [failing] })).rejects.toThrow(
      "observer failed",
    );
    const rows = await queryRows(t.db, sql`SELECT 1 FROM health_minutes WHERE node_id = ${node.id}`);
    expect(rows).toEqual([]);
    const claimed = await queryRows(t.db, sql`SELECT 1 FROM ingest_batches WHERE batch_id = 'obs-1'`);
    expect(claimed).toEqual([]);
    // the same batch goes through once the observer behaves, and afterCommit sees it after commit
    const seen: string[] = [];
    const ok: IngestObserver = { name: "ok", afterCommit: (b) => seen.push(b.batchId ?? "") };
    const r = await ingestBatch(t.db, batch, { retention: RETENTION, observers: [ok] });
    expect(r.accepted).toBe(true);
    expect(seen).toEqual(["obs-1"]);
  });

  it("gives p50/p95/p99 within 5 % from the stored HEALTH_HISTOGRAM on log-normal latencies", async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const node = { ...NODE, id: "6f1c2d4e-0000-4000-8000-000000000004" };
    const rng = createRng(99);
    const latencies: number[] = [];
    const events: IngestEvent[] = [];
    for (let i = 0; i < 20_000; i++) {
      const v = Math.max(1, Math.round(logNormal(rng, 40, 0.8)));
      latencies.push(v);
      events.push(event((nowS - 30) * 1000 + (i % 20_000), { latProxy: v }));
    }
    await ingestBatch(t.db, { batchId: "pct-1", node, events, stats: [] }, { retention: RETENTION });
    const [row] = await queryRows<{ h: (string | number)[] }>(
      t.db,
      sql`SELECT gw_hist_sum(ulat_hist) AS h FROM health_minutes WHERE node_id = ${node.id}`,
    );
    const hist = row.h.map(Number);
    const sorted = [...latencies].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1];
      const estimate = quantile(HEALTH_HISTOGRAM, hist, q) as number;
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.05);
    }
  });

  it.runIf(kind === "postgres")(
    "4 concurrent ingesters on overlapping keys: exact totals and zero deadlocks",
    async () => {
      // A fresh database: earlier tests folded the current hour, which would route rows to hour tables.
      const own = await createTestDb("postgres", { max: 8 });
      const db = own.db;
      const nowS = Math.floor(Date.now() / 1000);
      const sims = [0, 1, 2, 3].map((i) =>
        simulate({
          seed: 20 + i,
          clusterSeed: 20,
          startS: nowS - 60,
          seconds: 15,
          perSecond: 150,
          nodes: 2,
          tag: `c${i}`,
        }),
      );
      const deadlocks = async () => {
        await db.execute(sql`SELECT pg_stat_force_next_flush()`);
        const [r] = await queryRows<{ d: string }>(
          db,
          sql`SELECT deadlocks AS d FROM pg_stat_database WHERE datname = current_database()`,
        );
        return Number(r.d);
      };
      const before = await deadlocks();
      // Every ingester posts traffic of the same cluster (same ids, ids unused by earlier tests), so keys
      // overlap heavily across the four concurrent transactions.
      await Promise.all(
        sims.map(async (s) => {
          for (const b of s.batches) await ingestBatch(db, b, { retention: RETENTION });
        }),
      );
      await new Promise((r) => setTimeout(r, 600));
      expect(await deadlocks()).toBe(before);
      const expected = oracle(sims.flatMap((s) => s.batches));
      const actual = await snapshot(db, [
        "codes_route_minutes",
        "codes_consumer_route_minutes",
        "entity_traffic_minutes",
      ]);
      for (const table of ["codes_route_minutes", "codes_consumer_route_minutes", "entity_traffic_minutes"]) {
        for (const [key, values] of Object.entries(expected[table] ?? {}))
          expect({ table, key, values: actual[table]?.[key] }).toEqual({ table, key, values });
      }
      await own.close();
    },
  );
});
