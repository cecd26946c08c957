import { type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "@/db/client";
import { ENTITY_HISTOGRAM, quantile } from "@/lib/histogram";
import { type RangeInput, resolveRange } from "@/lib/time-range";
import { isUuid } from "@/lib/uuid";
import { NotFoundError } from "@/server/errors";
import { histFrom, histSums } from "./health";
import { num, num0, planSegments, rangeFor, table, tsBetween } from "./levels";
import type { EntityDetail, EntityKind, EntityRow, EntityTable } from "./types";

/** Name column per entity table; consumers are known by username, else custom_id (Kong Manager does the same). */
const ENTITY_NAMES: Record<EntityKind, { table: SQL; name: SQL }> = {
  service: { table: sql.raw("services"), name: sql.raw("name") },
  route: { table: sql.raw("routes"), name: sql.raw("name") },
  consumer: { table: sql.raw("consumers"), name: sql.raw("coalesce(username, custom_id)") },
  api: { table: sql.raw("apis"), name: sql.raw("name") },
};

/**
 * List table per entity kind: every registered entity (zero traffic included) with its totals over the
 * range from `entity_traffic_*`, read hour rows inside and minute rows at the edges (levels.ts segments).
 */
export async function getEntityTable(
  db: Db,
  params: { range: RangeInput; kind: EntityKind; nowMs?: number },
): Promise<EntityTable> {
  const range = rangeFor("entity_traffic", resolveRange(params.range, params.nowMs));
  const segs = await planSegments(db, "entity_traffic", range, { tiered: true });
  const arms = segs.map(
    (s) =>
      sql`SELECT bucket_ts, entity_id, requests, status_4xx, status_5xx, rlat_hist FROM ${table("entity_traffic", s.level)}
          WHERE ${tsBetween(s.from, s.to)} AND kind = ${params.kind}`,
  );
  const source = sql`(${sql.join(arms, sql` UNION ALL `)}) AS e`;
  const names = ENTITY_NAMES[params.kind];
  // Every cell the scheme has (47), in one query: a row's histogram stops at its last non-empty cell
  // (write-rollups.ts histLiteral), a subscript past it is NULL, which sum() skips without a call, and an
  // all-NULL sum reads as 0. It costs what a max(cardinality) pass to find the longest array did before the
  // sums (that pass plus ~24 sums: medians within ±10 % either way, A/B on the bench:queries data).
  const histLen = ENTITY_HISTOGRAM.bounds.length + 1;
  const [entities, totals] = await Promise.all([
    queryRows<{ id: string; name: string | null }>(
      db,
      sql`SELECT id::text AS id, ${names.name} AS name FROM ${names.table}`,
    ),
    queryRows<{ id: string; requests: unknown; s4: unknown; s5: unknown; last_seen: unknown }>(
      db,
      sql`SELECT entity_id::text AS id, sum(requests::float8) AS requests, sum(status_4xx::float8) AS s4,
                 sum(status_5xx::float8) AS s5,
                 extract(epoch from max(bucket_ts) FILTER (WHERE requests > 0))::float8 AS last_seen
                 ${histSums("rlat_hist", "h", histLen)}
          FROM ${source} GROUP BY entity_id`,
    ),
  ]);
  const byId = new Map<string, EntityRow>();
  for (const e of entities)
    byId.set(e.id, {
      id: e.id,
      name: e.name,
      requests: 0,
      errorRate: null,
      p95Ms: null,
      status4xx: 0,
      status5xx: 0,
      lastSeen: null,
    });
  for (const t of totals) {
    const requests = num0(t.requests);
    const s4 = num0(t.s4);
    const s5 = num0(t.s5);
    const h = histFrom(t, "h", histLen);
    byId.set(t.id, {
      id: t.id,
      name: byId.get(t.id)?.name ?? null,
      requests,
      errorRate: requests > 0 ? (s4 + s5) / requests : null,
      p95Ms: h
        ? quantile(
            ENTITY_HISTOGRAM,
            Array.from(h, (v) => v ?? 0),
            0.95,
          )
        : null,
      status4xx: s4,
      status5xx: s5,
      lastSeen: num(t.last_seen),
    });
  }
  const rows = [...byId.values()].sort(
    (a, b) => b.requests - a.requests || (a.name ?? a.id).localeCompare(b.name ?? b.id),
  );
  return { range, rows };
}

/** Header data for an entity detail page. */
export async function getEntityDetail(
  db: Db,
  params: { kind: EntityKind | "node"; id: string },
): Promise<EntityDetail> {
  if (!isUuid(params.id)) throw new NotFoundError();
  const extraSql: Record<EntityKind | "node", SQL> = {
    service: sql`SELECT name, jsonb_build_object('host', host, 'port', port, 'protocol', protocol, 'path', path,
                 'enabled', enabled, 'discovered', discovered) AS extra FROM services WHERE id = ${params.id}::uuid`,
    route: sql`SELECT r.name, jsonb_build_object('serviceId', r.service_id::text, 'serviceName', s.name,
                 'paths', r.paths, 'hosts', r.hosts, 'methods', r.methods, 'discovered', r.discovered) AS extra
               FROM routes r LEFT JOIN services s ON s.id = r.service_id WHERE r.id = ${params.id}::uuid`,
    consumer: sql`SELECT coalesce(username, custom_id) AS name, jsonb_build_object('username', username,
                 'customId', custom_id, 'discovered', discovered) AS extra FROM consumers WHERE id = ${params.id}::uuid`,
    api: sql`SELECT name, jsonb_build_object('upstreamUrl', upstream_url, 'hosts', hosts, 'uris', uris,
                 'discovered', discovered) AS extra FROM apis WHERE id = ${params.id}::uuid`,
    node: sql`SELECT hostname AS name, jsonb_build_object('hostname', hostname, 'version', version,
                 'firstSeen', extract(epoch from first_seen_at)::float8) AS extra FROM nodes WHERE id = ${params.id}::uuid`,
  };
  const [row] = await queryRows<{ name: string | null; extra: unknown }>(db, extraSql[params.kind]);
  if (!row) throw new NotFoundError();
  const extra = typeof row.extra === "string" ? JSON.parse(row.extra) : row.extra;
  return {
    id: params.id,
    kind: params.kind,
    name: row.name,
    extra: (extra ?? {}) as Record<string, unknown>,
  };
}
