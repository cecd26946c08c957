import { rm } from "node:fs/promises";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "@/server/services/ingest/__tests__/oracle";
import { ingestBatch } from "@/server/services/ingest/ingest-batch";
import { ensurePartitions, foldHour } from "@/server/services/rollups/maintenance";
import { getStatusCodeSeries } from "@/server/services/rollups/read/codes";
import { queryRows } from "../client";
import { migrate } from "../migrate";
import { createTestDb, type TestDb, testBackends } from "../testing";
import { migrationsUpTo } from "./migrations-up-to";

const NODES = ["5e6f7a8b-0000-4000-8000-000000000001", "5e6f7a8b-0000-4000-8000-000000000002"];

const clusterCodes = (t: TestDb, table: string) =>
  queryRows<{ k: string; n: number }>(
    t.db,
    sql.raw(`SELECT extract(epoch FROM bucket_ts)::int8 || '|' || status_code AS k, sum(count)::float8 AS n
             FROM ${table} GROUP BY 1 ORDER BY 1`),
  );

describe.each(testBackends())("upgrading to the cluster code tables (0008) on %s", (kind) => {
  let t: TestDb;
  let dir: string;
  // Two closed hours and the current one, so the backfill meets a folded hour, an hour table and open minutes.
  const hour = Math.floor(Date.now() / 3_600_000) * 3600 - 2 * 3600;
  const minutes = [hour + 60, hour + 120, hour + 3600 + 60, hour + 7200];

  beforeAll(async () => {
    dir = await migrationsUpTo("0007_health_quantiles");
    t = await createTestDb(kind, { migrations: dir });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("fills codes_cluster from codes_node into partitions named as maintenance names them", async () => {
    await ensurePartitions(t.db, "codes_node_minutes", minutes);
    await ensurePartitions(t.db, "codes_node_hours", [hour]);
    // As ingest appended them: a row per node batch, two batches of node 0 in the first minute.
    for (const [i, ts] of minutes.entries())
      for (const [n, node] of NODES.entries())
        await t.db.execute(sql`INSERT INTO codes_node_minutes (bucket_ts, node_id, status_code, count)
          VALUES (to_timestamp(${ts}), ${node}::uuid, 200, ${i + n + 1}),
                 (to_timestamp(${ts}), ${node}::uuid, ${n === 0 ? 503 : 404}, 1)`);
    await t.db.execute(sql`INSERT INTO codes_node_minutes (bucket_ts, node_id, status_code, count)
      VALUES (to_timestamp(${minutes[0]}), ${NODES[0]}::uuid, 200, 5)`);
    await t.db.execute(sql`INSERT INTO codes_node_hours (bucket_ts, node_id, status_code, count)
      VALUES (to_timestamp(${hour}), ${NODES[0]}::uuid, 200, 8), (to_timestamp(${hour}), ${NODES[1]}::uuid, 200, 3),
             (to_timestamp(${hour}), ${NODES[1]}::uuid, 404, 2)`);

    await migrate(t.db);

    expect(await clusterCodes(t, "codes_cluster_minutes")).toEqual([
      { k: `${minutes[0]}|200`, n: 1 + 2 + 5 },
      { k: `${minutes[0]}|404`, n: 1 },
      { k: `${minutes[0]}|503`, n: 1 },
      { k: `${minutes[1]}|200`, n: 2 + 3 },
      { k: `${minutes[1]}|404`, n: 1 },
      { k: `${minutes[1]}|503`, n: 1 },
      { k: `${minutes[2]}|200`, n: 3 + 4 },
      { k: `${minutes[2]}|404`, n: 1 },
      { k: `${minutes[2]}|503`, n: 1 },
      { k: `${minutes[3]}|200`, n: 4 + 5 },
      { k: `${minutes[3]}|404`, n: 1 },
      { k: `${minutes[3]}|503`, n: 1 },
    ]);
    expect(await clusterCodes(t, "codes_cluster_hours")).toEqual([
      { k: `${hour}|200`, n: 11 },
      { k: `${hour}|404`, n: 2 },
    ]);
    const partitions = await queryRows<{ name: string }>(
      t.db,
      sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_class p ON p.oid = i.inhparent
          WHERE p.relname LIKE 'codes_cluster_%' AND c.relkind = 'r' ORDER BY 1`,
    );
    const stamp = (s: number) => new Date(s * 1000).toISOString().slice(0, 13).replace(/[-T]/g, "");
    expect(partitions.map((p) => p.name)).toEqual([
      `codes_cluster_hours_p${stamp(hour - (hour % 86_400))}`,
      ...[hour, hour + 3600, hour + 7200].map((h) => `codes_cluster_minutes_p${stamp(h)}`),
    ]);
  });

  it("then ingests, folds and reads the cluster's codes with the backfilled rows", async () => {
    // The partitions exist under the names ensurePartitions looks for: no error, no second partition.
    await ingestBatch(t.db, {
      batchId: "after-upgrade",
      node: { id: NODES[1], hostname: "gw-2", version: null },
      stats: [],
      events: [500, 200].map((status, i) => event((minutes[3] + i) * 1000, { status })),
    });
    expect(await foldHour(t.db, hour + 3600)).toBe(true);
    const series = await getStatusCodeSeries(t.db, {
      range: { from: hour, to: hour + 7260 },
      entity: { kind: "cluster" },
    });
    expect(series.totals).toEqual({ "200": 8 + 5 + 7 + 9 + 1, "404": 4, "500": 1, "503": 4 });
    const at = (ts: number) => series.points.find((p) => p.ts === ts)?.codes;
    expect(at(minutes[0])).toEqual({ "200": 8, "404": 1, "503": 1 });
    expect(at(minutes[3])).toEqual({ "200": 10, "404": 1, "500": 1, "503": 1 });
    const [folded] = await queryRows<{ n: number }>(
      t.db,
      sql`SELECT sum(count)::float8 AS n FROM codes_cluster_hours WHERE bucket_ts = to_timestamp(${hour + 3600})`,
    );
    expect(folded.n).toBe(7 + 1 + 1);
  });
});
