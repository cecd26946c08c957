import { rm } from "node:fs/promises";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "@/server/services/ingest/__tests__/oracle";
import { ingestBatch } from "@/server/services/ingest/ingest-batch";
import { foldHour, retentionFromEnv, runMaintenance } from "@/server/services/rollups/maintenance";
import { getEntityTable } from "@/server/services/rollups/read/entities";
import { queryRows } from "../client";
import { migrate } from "../migrate";
import { createTestDb, type TestDb, testBackends } from "../testing";
import { migrationsUpTo } from "./migrations-up-to";

const SERVICES = ["6f7a8b9c-0000-4000-8000-0000000000a1", "6f7a8b9c-0000-4000-8000-0000000000a2"];

describe.each(testBackends())("upgrading to the ten-minute entity sums (0009) on %s", (kind) => {
  let t: TestDb;
  let dir: string;
  const nowS = Math.floor(Date.now() / 1000);
  const minute = nowS - (nowS % 60);
  const hour = minute - (minute % 3600);

  beforeAll(async () => {
    dir = await migrationsUpTo("0008_codes_cluster");
    t = await createTestDb(kind, { migrations: dir });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Requests per service over [from, to) summed straight from the minute rows: the answer before any tier. */
  const fromMinutes = async (from: number, to: number) =>
    Object.fromEntries(
      (
        await queryRows<{ id: string; n: number }>(
          t.db,
          sql`SELECT entity_id::text AS id, sum(requests)::float8 AS n FROM entity_traffic_minutes
              WHERE kind = 'service' AND bucket_ts >= to_timestamp(${from}) AND bucket_ts < to_timestamp(${to})
              GROUP BY 1`,
        )
      ).map((r) => [r.id, r.n]),
    );
  const table = async (from: number, to: number) =>
    Object.fromEntries(
      (await getEntityTable(t.db, { range: { from, to }, kind: "service", nowMs: nowS * 1000 })).rows
        .filter((r) => r.requests > 0)
        .map((r) => [r.id, r.requests]),
    );
  // Ranges with edges inside the hour two hours ago (folded below as an older version folded it), the last
  // hour and the live one.
  const ranges: [number, number][] = [
    [hour - 7200 + 7 * 60, hour - 3600 + 23 * 60],
    [hour - 3600 + 11 * 60, minute + 60],
    [hour - 7200 + 33 * 60, minute],
  ];

  it("adds the column and the table to a database with traffic; reads stay the same before and after maintenance", async () => {
    let seq = 0;
    for (let at = hour - 7200 + 30; at < minute + 60; at += 150)
      await ingestBatch(t.db, {
        batchId: `up-${seq++}`,
        node: { id: "6f7a8b9c-0000-4000-8000-000000000001", hostname: "gw-u", version: null },
        stats: [],
        events: Array.from({ length: 1 + (seq % 4) }, (_, i) =>
          event(at * 1000 + i, { serviceId: SERVICES[(i + seq) % 2], status: i % 3 ? 200 : 500 }),
        ),
      });
    const expected = await Promise.all(ranges.map(([from, to]) => fromMinutes(from, to)));
    expect(Object.keys(expected[0])).toHaveLength(2);

    await migrate(t.db);
    const [{ n }] = await queryRows<{ n: number }>(
      t.db,
      sql`SELECT count(*)::int AS n FROM entity_traffic_minutes WHERE NOT compacted`,
    );
    expect(n).toBeGreaterThan(0);
    for (const [i, [from, to]] of ranges.entries()) expect(await table(from, to)).toEqual(expected[i]);

    // The hour two hours ago as a fold before 0009 left it: compacted minute rows not marked, no tens rows,
    // no partial index. Readers take all of its minute rows beside the (empty) tens.
    const old = hour - 7200;
    expect(await foldHour(t.db, old)).toBe(true);
    const span = sql`bucket_ts >= to_timestamp(${old}) AND bucket_ts < to_timestamp(${old + 3600})`;
    await t.db.execute(sql`UPDATE entity_traffic_minutes SET compacted = false WHERE ${span}`);
    await t.db.execute(sql`DELETE FROM entity_traffic_tens WHERE ${span}`);
    for (const [i, [from, to]] of ranges.entries()) expect(await table(from, to)).toEqual(expected[i]);

    await runMaintenance(t.db, nowS, retentionFromEnv({}));
    const [{ tens }] = await queryRows<{ tens: number }>(
      t.db,
      sql`SELECT count(*)::int AS tens FROM entity_traffic_tens`,
    );
    expect(tens).toBeGreaterThan(0);
    for (const [i, [from, to]] of ranges.entries()) expect(await table(from, to)).toEqual(expected[i]);
  });
});
