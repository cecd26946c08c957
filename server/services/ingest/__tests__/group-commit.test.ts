import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { ValidationError } from "@/server/errors";
import { HTTP_ROUTE, MOCK } from "@/server/services/exporters/prometheus/__tests__/seed-traffic";
import {
  ALL_FLAGS,
  enablePrometheus,
  NODE_A,
  NODE_B,
  request,
} from "@/server/services/exporters/prometheus/__tests__/support";
import { renderMetrics } from "@/server/services/exporters/prometheus/metrics";
import { prometheusObserver } from "@/server/services/exporters/prometheus/observer";
import { foldHour, windowsAt } from "@/server/services/rollups/maintenance";
import { ingestBatch, ingestGroup } from "../ingest-batch";
import { ingestBody, ingestQueueStats } from "../ingest-queue";
import type { IngestObserver } from "../observer";
import { localSource, type PrepareParams, prepareBatch, prepareGroups } from "../prepare";
import { stopPreparePool } from "../prepare-pool";
import type { IngestBatch } from "../types";
import { ALL_TABLES, event, oracle, simulate, snapshot } from "./oracle";

const RETENTION = { seconds: 3600, minutes: 90_000, hours: 30 * 86_400 };
const SERVICE = "6f1c2d4e-0000-4000-8000-0000000000b7";

/**
 * Group commit: batches prepared together (prepareGroups) and written in one transaction (ingestGroup), the
 * way the HTTP ingest queue does, must leave every rollup table exactly as the batches one by one would.
 */
describe.each(testBackends())("group commit on %s", (kind) => {
  let t: TestDb;
  const nowS = Math.floor(Date.now() / 1000);
  const params = (): PrepareParams => ({
    windows: windowsAt(Math.floor(Date.now() / 1000), RETENTION),
    write: kind === "pglite" ? { binaryArrays: true } : {},
  });
  const write = (batches: IngestBatch[]) => {
    const p = params();
    return Promise.all(
      prepareGroups(batches, p).map(({ indexes, group }) =>
        ingestGroup(
          t.db,
          group,
          indexes.map((i, m) => localSource(batches[i], group.members[m], p)),
          { retention: RETENTION },
        ),
      ),
    );
  };

  beforeAll(async () => {
    t = await createTestDb(kind, { max: 8 });
  });
  afterAll(() => t?.close());

  it("merges batches of several nodes (one node many times) into one transaction equal to the oracle", async () => {
    // 3 nodes × 12 s: each node has 12 batches in the same minutes (health and cluster-shard rows of equal
    // keys merge before the upsert).
    const { batches } = simulate({ seed: 41, startS: nowS - 150, seconds: 12, perSecond: 60, tag: "g" });
    const groups = prepareGroups(batches, params());
    expect(groups.map((g) => g.indexes.length)).toEqual([batches.length]);
    // The merge is real: the group holds fewer consumer×route and entity rows than its batches apart.
    const rows = (inserts: { table: string; rows: number }[] | null, table: string) =>
      (inserts ?? []).filter((e) => e.table === table).reduce((n, e) => n + e.rows, 0);
    for (const table of ["codes_consumer_route_minutes", "entity_traffic_minutes"]) {
      const apart = batches.reduce((n, b) => n + rows(prepareBatch(b, params()).minuteInserts, table), 0);
      expect(rows(groups[0].group.minuteInserts, table)).toBeLessThan(apart);
    }

    const results = (await write(batches)).flat();
    expect(results.map((r) => [r.batchId, r.accepted, r.events])).toEqual(
      batches.map((b) => [b.batchId, true, b.events.length]),
    );
    const hours = new Set(
      batches.flatMap((b) => b.events.map((e) => Math.floor(e.startedAt / 3_600_000) * 3600)),
    );
    for (const h of hours) expect(await foldHour(t.db, h)).toBe(true);
    const expected = oracle(batches, { secondsFrom: nowS - RETENTION.seconds });
    const actual = await snapshot(t.db, ALL_TABLES);
    for (const table of ALL_TABLES)
      expect({ table, rows: actual[table] }).toEqual({ table, rows: expected[table] });
  });

  it("leaves a batch with rows before the minute window (bound for the hour tables) to a group of its own", () => {
    const recent = simulate({ seed: 44, startS: nowS - 60, seconds: 1, perSecond: 30, nodes: 2 }).batches;
    const late = simulate({ seed: 45, startS: nowS - 3 * 3600, seconds: 1, perSecond: 30, nodes: 1 }).batches;
    const narrow: PrepareParams = {
      windows: windowsAt(nowS, { ...RETENTION, minutes: 7200 }),
      write: {},
    };
    const groups = prepareGroups([recent[0], late[0], recent[1]], narrow);
    expect(groups.map((g) => g.indexes)).toEqual([[0, 2], [1]]);
    expect(groups[1].group.oldBuckets.length).toBeGreaterThan(0);
    expect(groups[1].group.members[0].tables).toBeDefined();
  });

  it("writes a group member by member when a batch_id was claimed before, or is in it twice", async () => {
    // Two hours back: the first test folded the hours of its traffic, and this one reads minute tables.
    const startS = nowS - (nowS % 3600) - 2 * 3600 + 600;
    const { batches } = simulate({ seed: 43, startS, seconds: 2, perSecond: 40, tag: "dup" });
    const [a, b, c, d] = batches;
    const before = await snapshot(t.db, ALL_TABLES);
    expect((await ingestBatch(t.db, a, { retention: RETENTION })).accepted).toBe(true);
    const results = (await write([a, b, c, { ...c }, d])).flat();
    expect(results.map((r) => [r.batchId, r.accepted])).toEqual([
      [a.batchId, false],
      [b.batchId, true],
      [c.batchId, true],
      [c.batchId, false],
      [d.batchId, true],
    ]);
    // Each counted once: the tables grew by exactly a, b, c and d.
    const after = await snapshot(t.db, ["codes_consumer_route_minutes", "health_minutes"]);
    const grown = oracle([a, b, c, d]);
    for (const table of ["codes_consumer_route_minutes", "health_minutes"]) {
      const total = (s: typeof after) =>
        Object.values(s[table] ?? {}).reduce((n, v) => n + (v[0] as number), 0);
      expect(total(after) - total(before)).toBe(total(grown));
    }
  });

  it("writes a group member by member when one of its hours was folded meanwhile", async () => {
    const hour = nowS - (nowS % 3600) - 5 * 3600;
    const mk = (id: string, at: number, n: number): IngestBatch => ({
      batchId: id,
      node: { id: `6f1c2d4e-0000-4000-8000-00000000000${id.length % 10}`, hostname: "gw", version: "3.9" },
      events: Array.from({ length: n }, (_, i) => event(at * 1000 + i, { serviceId: SERVICE, status: 502 })),
      stats: [],
    });
    await ingestBatch(t.db, mk("fold-0", hour + 60, 4), { retention: RETENTION });
    expect(await foldHour(t.db, hour)).toBe(true);
    const group = [mk("fold-1", hour + 120, 5), mk("fold-22", hour + 180, 6)];
    expect(prepareGroups(group, params()).map((g) => g.indexes)).toEqual([[0, 1]]);
    expect((await write(group)).flat().every((r) => r.accepted)).toBe(true);
    const [sums] = await queryRows<{ minutes: string; hours: string }>(
      t.db,
      sql`SELECT (SELECT sum(count) FROM codes_route_minutes WHERE service_id = ${SERVICE}) AS minutes,
                 (SELECT sum(count) FROM codes_route_hours WHERE service_id = ${SERVICE}) AS hours`,
    );
    expect([Number(sums.minutes), Number(sums.hours)]).toEqual([4, 15]);
  });
});

describe.each(testBackends())("the ingest queue on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { max: 8 });
  });
  afterAll(() => t?.close());
  afterEach(async () => {
    delete process.env.INGEST_WORKERS;
    await stopPreparePool();
  });

  it.each(["0", "1"])(
    "gathers bodies that wait into one group, each with its own result and its own 400 (INGEST_WORKERS=%s)",
    async (workers) => {
      process.env.INGEST_WORKERS = workers;
      const nowS = Math.floor(Date.now() / 1000);
      const { raw, batches } = simulate({
        seed: 50 + Number(workers),
        startS: nowS - 200,
        seconds: 2,
        perSecond: 50,
        tag: `q${workers}`,
      });
      const bad = structuredClone(raw[1]) as unknown as { requests: { response: { status: unknown } }[] };
      bad.requests[0].response.status = "500";
      const bodies = [raw[0], bad, ...raw.slice(2)].map((b) => Buffer.from(JSON.stringify(b)));
      // One call per transaction, with every batch it holds.
      const seen: string[][] = [];
      const observers: IngestObserver[] = [
        {
          name: "test",
          async inTransaction(_tx, held) {
            seen.push(held.map((b) => `${b.batchId}:${b.events.length}`));
          },
        },
      ];
      const before = ingestQueueStats(t.db);
      // Submitted in one tick: the first is prepared alone at once; the rest wait and go as one group.
      const settled = await Promise.allSettled(
        bodies.map((b) => ingestBody(t.db, b, { format: "native" }, { observers })),
      );
      const after = ingestQueueStats(t.db);
      expect(after.bodies - before.bodies).toBe(bodies.length - 1);
      expect(after.groups - before.groups).toBe(2);
      const failed = settled[1] as PromiseRejectedResult;
      expect(failed.reason).toBeInstanceOf(ValidationError);
      expect((failed.reason as ValidationError).issues).toEqual([
        { path: "requests[0].response.status", message: "expected integer 100–999" },
      ]);
      const good = batches.filter((_, i) => i !== 1);
      expect(
        settled.filter((_, i) => i !== 1).map((s) => (s as PromiseFulfilledResult<unknown>).value),
      ).toEqual(
        good.map((b) => ({
          batchId: b.batchId,
          accepted: true,
          events: b.events.length,
          stats: b.stats.length,
          skipped: {},
        })),
      );
      const label = (b: IngestBatch) => `${b.batchId}:${b.events.length}`;
      expect(seen).toEqual([[label(good[0])], good.slice(1).map(label)]);
      const nodes = [...new Set(batches.map((b) => b.node.id))];
      const [row] = await queryRows<{ n: string }>(
        t.db,
        sql`SELECT sum(requests) AS n FROM health_minutes WHERE node_id = ANY(${sql.param(nodes)}::uuid[])`,
      );
      expect(Number(row.n)).toBe(good.reduce((n, b) => n + b.events.length, 0));
    },
  );

  it("counts every batch of a group once, in one sorted write per transaction", async () => {
    process.env.INGEST_WORKERS = "0";
    await enablePrometheus(t.db, {}, ALL_FLAGS);
    // Five bodies in one tick: the first alone, then four (node A twice) in one transaction.
    const nodes = [NODE_A, NODE_A, NODE_B, NODE_A, NODE_B];
    const bodies = nodes.map((node, i) =>
      Buffer.from(
        JSON.stringify({
          batch_id: `prom-group-${i}`,
          node: { id: node, hostname: `gw-${i}`, version: "3.9.3" },
          requests: Array.from({ length: i + 1 }, () => request({ service: MOCK, route: HTTP_ROUTE })),
          stats: [],
        }),
      ),
    );
    const before = ingestQueueStats(t.db);
    const observers = [prometheusObserver];
    await Promise.all(bodies.map((b) => ingestBody(t.db, b, { format: "native" }, { observers })));
    expect(ingestQueueStats(t.db).groups - before.groups).toBe(2);
    const count = (text: string) =>
      Number(/kong_http_status\{code="200",service="mock-service"\} (\d+)/.exec(text)?.[1]);
    expect(count(await renderMetrics(t.db))).toBe(1 + 2 + 3 + 4 + 5);
    expect(count(await renderMetrics(t.db, { nodeId: NODE_A }))).toBe(1 + 2 + 4);
    expect(count(await renderMetrics(t.db, { nodeId: NODE_B }))).toBe(3 + 5);
  });

  it("keeps bodies of different observer lists in different transactions", async () => {
    process.env.INGEST_WORKERS = "0";
    const nowS = Math.floor(Date.now() / 1000);
    const { raw } = simulate({ seed: 60, startS: nowS - 200, seconds: 1, perSecond: 20, tag: "obs" });
    const seen: Record<string, string[][]> = { x: [], y: [] };
    const list = (name: "x" | "y"): IngestObserver[] => [
      {
        name,
        async inTransaction(_tx, held) {
          seen[name].push(held.map((b) => b.batchId ?? ""));
        },
      },
    ];
    const [x, y] = [list("x"), list("y")];
    const before = ingestQueueStats(t.db);
    // The first goes alone at once; the other two wait, and split where the observer list changes.
    await Promise.all(
      raw.map((b, i) =>
        ingestBody(t.db, Buffer.from(JSON.stringify(b)), { format: "native" }, { observers: i < 2 ? x : y }),
      ),
    );
    expect(ingestQueueStats(t.db).groups - before.groups).toBe(3);
    expect(seen).toEqual({
      x: [[raw[0].batch_id], [raw[1].batch_id]],
      y: [[raw[2].batch_id]],
    });
  });
});
