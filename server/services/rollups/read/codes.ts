import { type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "@/db/client";
import { ZERO_UUID } from "@/db/schema/rollups";
import { bucketStarts, type RangeInput, resolveRange } from "@/lib/time-range";
import { isUuid } from "@/lib/uuid";
import { ValidationError } from "@/server/errors";
import {
  bucketExpr,
  num0,
  planSegments,
  rangeFor,
  type Segment,
  sameWidth,
  type TableFamily,
  table,
  tsBetween,
} from "./levels";
import type { ConsumerRouteRow, ConsumerRouteTable, EntityScope, StatusCodeSeries } from "./types";

export type CodeSource = { family: TableFamily; where?: SQL };

/**
 * The cheapest code table for an entity: exact codes for the cluster come from the cluster table (one row per
 * bucket and code once compacted; the per-node table has one per node, and the consumer×route table held
 * 13.6 M rows per 25 h at 200 ev/s, ingest-limits).
 */
export function codeSourceFor(entity: { kind: EntityScope; id?: string }): CodeSource {
  const need = (): string => {
    if (!entity.id)
      throw new ValidationError("entity.id is required", [{ path: "entity.id", message: "required" }]);
    if (!isUuid(entity.id))
      throw new ValidationError("entity.id must be a UUID", [
        { path: "entity.id", message: "expected a UUID" },
      ]);
    return entity.id;
  };
  switch (entity.kind) {
    case "cluster":
      return { family: "codes_cluster" };
    case "node":
      return { family: "codes_node", where: sql`node_id = ${need()}::uuid` };
    case "service":
      return { family: "codes_route", where: sql`service_id = ${need()}::uuid` };
    case "route":
      return { family: "codes_route", where: sql`route_id = ${need()}::uuid` };
    case "consumer":
      return { family: "codes_consumer_route", where: sql`consumer_id = ${need()}::uuid` };
    case "api":
      return { family: "codes_api", where: sql`api_id = ${need()}::uuid` };
    case "unmatched":
      return entity.id
        ? { family: "codes_unmatched", where: sql`node_id = ${need()}::uuid` }
        : { family: "codes_unmatched" };
  }
}

export type CodeCell = { ts: number; key: string | null; code: number; count: number };

/**
 * Σ count per (bucket, [key column], status_code) over the segments' tables. `step` may be wider than the
 * table's buckets (hours from not-yet-folded minute rows; Vitals `days` from hour rows).
 */
export async function aggregateCodes(
  db: Db,
  params: CodeSource & { segments: Segment[]; step: number; keyColumn?: string },
): Promise<CodeCell[]> {
  const keyCol = params.keyColumn ? sql`, ${sql.identifier(params.keyColumn)}` : sql``;
  const arms = params.segments.map(
    (s) =>
      sql`SELECT bucket_ts, status_code, count${keyCol} FROM ${table(params.family, s.level)}
          WHERE ${tsBetween(s.from, s.to)}${params.where ? sql` AND ${params.where}` : sql``}`,
  );
  const key = params.keyColumn ? sql`, ${sql.identifier(params.keyColumn)}::text AS key` : sql``;
  const raw = sameWidth(params.step, params.segments);
  const groupBy = sql.join(
    [
      raw ? sql`bucket_ts` : sql`1`,
      sql`status_code`,
      ...(params.keyColumn ? [sql.identifier(params.keyColumn)] : []),
    ],
    sql`, `,
  );
  const rows = await queryRows<{ ts: unknown; key?: string; code: unknown; n: unknown }>(
    db,
    sql`SELECT ${bucketExpr(params.step, params.segments)} AS ts, status_code AS code${key}, sum(count::float8) AS n
        FROM (${sql.join(arms, sql` UNION ALL `)}) AS c
        GROUP BY ${groupBy}`,
  );
  return rows.map((r) => ({ ts: num0(r.ts), key: r.key ?? null, code: num0(r.code), count: num0(r.n) }));
}

/** Exact status codes per bucket for an entity (or the cluster), gap-filled, with totals per code. */
export async function getStatusCodeSeries(
  db: Db,
  params: { range: RangeInput; entity: { kind: EntityScope; id?: string }; nowMs?: number },
): Promise<StatusCodeSeries> {
  const source = codeSourceFor(params.entity);
  const range = rangeFor(source.family, resolveRange(params.range, params.nowMs));
  const cells = await aggregateCodes(db, {
    ...source,
    segments: await planSegments(db, source.family, range),
    step: range.step,
  });
  const byTs = new Map<number, Record<string, number>>();
  const totals: Record<string, number> = {};
  for (const c of cells) {
    let codes = byTs.get(c.ts);
    if (!codes) {
      codes = {};
      byTs.set(c.ts, codes);
    }
    const k = String(c.code);
    codes[k] = (codes[k] ?? 0) + c.count;
    totals[k] = (totals[k] ?? 0) + c.count;
  }
  return {
    range,
    points: bucketStarts(range).map((ts) => ({ ts, codes: byTs.get(ts) ?? {} })),
    totals,
  };
}

export const DEFAULT_TOP_N = 20;

/**
 * Top N (consumer, route) pairs by requests with their codes, plus one "other" row (ids null) that sums
 * the rest: bounded output whatever the cardinality (kong-vitals §0.8). Anonymous traffic is not in the
 * consumer×route table (db/schema/rollups.ts), so it never appears here.
 */
export async function getConsumerRoutes(
  db: Db,
  params: {
    range: RangeInput;
    consumerId?: string;
    routeId?: string;
    serviceId?: string;
    limit?: number;
    nowMs?: number;
  },
): Promise<ConsumerRouteTable> {
  const range = rangeFor("codes_consumer_route", resolveRange(params.range, params.nowMs));
  const conds: SQL[] = [];
  if (params.consumerId) conds.push(sql`consumer_id = ${params.consumerId}::uuid`);
  if (params.routeId) conds.push(sql`route_id = ${params.routeId}::uuid`);
  if (params.serviceId) conds.push(sql`service_id = ${params.serviceId}::uuid`);
  const segs = await planSegments(db, "codes_consumer_route", range, { tiered: true });
  const arms = segs.map(
    (s) =>
      sql`SELECT consumer_id, route_id, status_code, count FROM ${table("codes_consumer_route", s.level)}
          WHERE ${sql.join([tsBetween(s.from, s.to), ...conds], sql` AND `)}`,
  );
  const limit = params.limit ?? DEFAULT_TOP_N;
  // Only the top N pairs' codes and the rest's codes per code cross the wire, whatever the number of pairs.
  // Groups are keyed by the raw uuid columns: keying by their text casts cast every input row (170k for
  // 24 h) and took 66 ms against 36 ms (bench/queries.ts). Ties break by uuid, the same order as the
  // lowercase hex strings the rows are sorted by below.
  const rows = await queryRows<{
    consumer_id: string | null;
    route_id: string | null;
    code: unknown;
    n: unknown;
  }>(
    db,
    sql`WITH c AS (
          SELECT consumer_id, route_id, status_code, sum(count::float8) AS n
          FROM (${sql.join(arms, sql` UNION ALL `)}) AS c GROUP BY consumer_id, route_id, status_code
        ), top AS (
          SELECT consumer_id, route_id FROM c GROUP BY consumer_id, route_id
          ORDER BY sum(n) DESC, consumer_id, route_id LIMIT ${limit}
        )
        SELECT c.consumer_id::text AS consumer_id, c.route_id::text AS route_id, c.status_code AS code,
               c.n
        FROM c JOIN top ON top.consumer_id = c.consumer_id AND top.route_id = c.route_id
        UNION ALL
        SELECT NULL, NULL, c.status_code, sum(c.n) FROM c
        WHERE NOT EXISTS (SELECT 1 FROM top WHERE top.consumer_id = c.consumer_id AND top.route_id = c.route_id)
        GROUP BY c.status_code`,
  );
  const pairs = new Map<string, ConsumerRouteRow>();
  for (const r of rows) {
    const k = `${r.consumer_id}|${r.route_id}`;
    let row = pairs.get(k);
    if (!row) {
      row = {
        consumerId: r.consumer_id,
        consumerName: null,
        // The zero sentinel is "no route" (a consumer's legacy-API traffic, for one): nothing to name or link.
        routeId: r.route_id === ZERO_UUID ? null : r.route_id,
        routeName: null,
        requests: 0,
        codes: {},
      };
      pairs.set(k, row);
    }
    const n = num0(r.n);
    row.requests += n;
    row.codes[String(num0(r.code))] = (row.codes[String(num0(r.code))] ?? 0) + n;
  }
  const other = pairs.get("null|null");
  pairs.delete("null|null");
  const top = [...pairs.values()].sort(
    (a, b) =>
      b.requests - a.requests ||
      (a.consumerId ?? "").localeCompare(b.consumerId ?? "") ||
      (a.routeId ?? "").localeCompare(b.routeId ?? ""),
  );
  await nameRows(db, top);
  if (other) top.push(other);
  return { range, rows: top };
}

async function nameRows(db: Db, rows: ConsumerRouteRow[]): Promise<void> {
  const consumerIds = [...new Set(rows.map((r) => r.consumerId).filter((v): v is string => !!v))];
  const routeIds = [...new Set(rows.map((r) => r.routeId).filter((v): v is string => !!v))];
  const [consumers, routes] = await Promise.all([
    consumerIds.length
      ? queryRows<{ id: string; name: string | null }>(
          db,
          sql`SELECT id::text AS id, coalesce(username, custom_id) AS name FROM consumers
              WHERE id = ANY(${sql.param(consumerIds)}::text[]::uuid[])`,
        )
      : [],
    routeIds.length
      ? queryRows<{ id: string; name: string | null }>(
          db,
          sql`SELECT id::text AS id, name FROM routes WHERE id = ANY(${sql.param(routeIds)}::text[]::uuid[])`,
        )
      : [],
  ]);
  const cn = new Map(consumers.map((c) => [c.id, c.name]));
  const rn = new Map(routes.map((r) => [r.id, r.name]));
  for (const r of rows) {
    r.consumerName = r.consumerId ? (cn.get(r.consumerId) ?? null) : null;
    r.routeName = r.routeId ? (rn.get(r.routeId) ?? null) : null;
  }
}
