import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { event } from "@/server/services/ingest/__tests__/oracle";
import { ingestBatch } from "@/server/services/ingest/ingest-batch";
import { ensurePartitions, foldHour, ROLLUP_TABLES } from "../../maintenance";
import { getConsumerRoutes } from "../codes";
import type { ConsumerRouteRow } from "../types";
import { insertConsumer, insertConsumerRouteCodes, insertRoute, insertService } from "./seed";

/**
 * The consumer×route breakdown picks its top N in SQL: checked against the whole table ranked in JS, over a
 * folded hour (hour rows) between unfolded minutes, with many ties.
 */

const SERVICES = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"];
const ROUTES = ["a", "3", "f", "0"].map((c) => `33333333-3333-4333-8333-33333333333${c}`);
const CONSUMERS = ["e1", "0f", "a0", "5b", "c2", "09"].map((c) => `44444444-4444-4444-8444-4444444444${c}`);
const serviceOf = (route: string) => SERVICES[ROUTES.indexOf(route) % 2];

const nowMs = Date.now();
const nowSec = Math.floor(nowMs / 1000);
/** three whole hours ending at least an hour ago; the middle one gets folded */
const H = Math.floor(nowSec / 3600) * 3600 - 4 * 3600;

type Row = { ts: number; consumer: string; route: string; codes: Record<number, number> };

function generate(): Row[] {
  let a = 7;
  const rand = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const rows: Row[] = [];
  for (let i = 0; i < 120; i++) {
    const code = [200, 200, 404, 500, 301][Math.floor(rand() * 5)];
    rows.push({
      ts: H + Math.floor(rand() * 180) * 60,
      consumer: CONSUMERS[Math.floor(rand() * CONSUMERS.length)],
      route: ROUTES[Math.floor(rand() * ROUTES.length)],
      codes: { [code]: 1 + Math.floor(rand() * 2) },
    });
  }
  return rows;
}

/** The breakdown as the dashboard defines it, from the inserted rows. */
function expected(rows: Row[], from: number, to: number, limit: number, filter: (r: Row) => boolean) {
  const pairs = new Map<string, ConsumerRouteRow>();
  for (const r of rows) {
    if (r.ts < from || r.ts >= to || !filter(r)) continue;
    const k = `${r.consumer}|${r.route}`;
    const row = pairs.get(k) ?? {
      consumerId: r.consumer,
      consumerName: `user-${CONSUMERS.indexOf(r.consumer)}`,
      routeId: r.route,
      routeName: `route-${ROUTES.indexOf(r.route)}`,
      requests: 0,
      codes: {},
    };
    pairs.set(k, row);
    for (const [code, n] of Object.entries(r.codes)) {
      row.requests += n;
      row.codes[code] = (row.codes[code] ?? 0) + n;
    }
  }
  const sorted = [...pairs.values()].sort(
    (a, b) =>
      b.requests - a.requests ||
      (a.consumerId ?? "").localeCompare(b.consumerId ?? "") ||
      (a.routeId ?? "").localeCompare(b.routeId ?? ""),
  );
  const top = sorted.slice(0, limit);
  const rest = sorted.slice(limit);
  if (rest.length === 0) return top;
  const other: ConsumerRouteRow = {
    consumerId: null,
    consumerName: null,
    routeId: null,
    routeName: null,
    requests: 0,
    codes: {},
  };
  for (const r of rest) {
    other.requests += r.requests;
    for (const [code, n] of Object.entries(r.codes)) other.codes[code] = (other.codes[code] ?? 0) + n;
  }
  return [...top, other];
}

describe.each(testBackends())("consumer×route top N on %s", (kind) => {
  let t: TestDb;
  let db: Db;
  const rows = generate();

  beforeAll(async () => {
    t = await createTestDb(kind);
    db = t.db;
    for (const [i, id] of SERVICES.entries()) await insertService(db, id, `svc-${i}`);
    for (const [i, id] of ROUTES.entries()) await insertRoute(db, id, `route-${i}`, serviceOf(id));
    for (const [i, id] of CONSUMERS.entries()) await insertConsumer(db, id, `user-${i}`);
    for (const r of rows)
      await insertConsumerRouteCodes(db, r.ts, r.consumer, r.route, serviceOf(r.route), r.codes);
    for (const table of ROLLUP_TABLES.hours) await ensurePartitions(db, table, [H, H + 3600, H + 7200]);
    expect(await foldHour(db, H + 3600)).toBe(true);
  });
  afterAll(async () => t?.close());

  it("matches the breakdown ranked in JS for every N, with ties broken by consumer then route", async () => {
    // from the middle of the first hour: minute rows, then the folded hour's rows, then minute rows
    const from = H + 1800;
    const to = H + 3 * 3600;
    const all = expected(rows, from, to, 1000, () => true);
    const counts = all.map((r) => r.requests);
    expect(new Set(counts).size).toBeLessThan(counts.length); // ties exist
    for (const limit of [1, 2, 5, 13, all.length - 1, all.length, all.length + 5]) {
      const got = await getConsumerRoutes(db, { range: { from, to }, limit, nowMs });
      expect({ limit, rows: got.rows }).toEqual({ limit, rows: expected(rows, from, to, limit, () => true) });
    }
  });

  it("filters by consumer, route and service before ranking", async () => {
    const range = { from: H, to: H + 3 * 3600 };
    const cases: [Parameters<typeof getConsumerRoutes>[1], (r: Row) => boolean][] = [
      [{ range, consumerId: CONSUMERS[2], limit: 2, nowMs }, (r) => r.consumer === CONSUMERS[2]],
      [{ range, routeId: ROUTES[1], limit: 3, nowMs }, (r) => r.route === ROUTES[1]],
      [{ range, serviceId: SERVICES[0], limit: 4, nowMs }, (r) => serviceOf(r.route) === SERVICES[0]],
    ];
    for (const [params, filter] of cases)
      expect((await getConsumerRoutes(db, params)).rows).toEqual(
        expected(rows, range.from, range.to, params.limit ?? 20, filter),
      );
  });

  it("gives a consumer's legacy-API traffic as a pair without a route, not the zero sentinel", async () => {
    const consumer = CONSUMERS[4];
    const at = nowSec - 120;
    await ingestBatch(db, {
      batchId: "api-traffic",
      node: { id: "55555555-5555-4555-8555-555555555555", hostname: "gw-api", version: null },
      stats: [],
      events: [200, 200, 503].map((status, i) =>
        event(at * 1000 + i, { apiId: "66666666-6666-4666-8666-666666666666", consumerId: consumer, status }),
      ),
    });
    const got = await getConsumerRoutes(db, {
      range: { from: at - 60, to: at + 60 },
      consumerId: consumer,
      nowMs,
    });
    expect(got.rows).toEqual([
      {
        consumerId: consumer,
        consumerName: "user-4",
        routeId: null,
        routeName: null,
        requests: 3,
        codes: { "200": 2, "503": 1 },
      },
    ]);
  });
});
