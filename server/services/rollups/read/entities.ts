import { type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "@/db/client";
import { ENTITY_HISTOGRAM, quantile } from "@/lib/histogram";
import { type RangeInput, resolveRange } from "@/lib/time-range";
import { isUuid } from "@/lib/uuid";
import { NotFoundError } from "@/server/errors";
import { histFrom, histSums } from "./health";
import { ENTITY_TENS_S, num, num0, planSegments, rangeFor, type Segment, table, tsBetween } from "./levels";
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
 * range from `entity_traffic_*`, read hour rows inside, ten-minute rows at the edges and minute rows at
 * theirs (levels.ts segments, withTens).
 */
export async function getEntityTable(
  db: Db,
  params: { range: RangeInput; kind: EntityKind; nowMs?: number },
): Promise<EntityTable> {
  const range = rangeFor("entity_traffic", resolveRange(params.range, params.nowMs));
  const segs = await planSegments(db, "entity_traffic", range, { tiered: true });
  const parts = withTens(segs);
  const within = (level: EntitySegment["level"]) => {
    const ranges = parts.filter((p) => p.level === level).map((p) => tsBetween(p.from, p.to));
    return ranges.length === 0 ? null : sql`(${sql.join(ranges, sql` OR `)})`;
  };
  const [hours, tens, minutes] = [within("hours"), within("tens"), within("minutes")];
  // One arm per table, so the live minute partition (no index: ingest's cost centre) is scanned once. A tens
  // row sums the compacted minutes of its ten minutes; the ones not compacted yet are read beside it.
  const fromMinutes = [minutes, tens && sql`(${tens} AND NOT compacted)`].filter((c): c is SQL => !!c);
  const arms = [
    hours && [table("entity_traffic", "hours"), sql`bucket_ts`, hours],
    tens && [sql.raw("entity_traffic_tens"), sql`last_ts`, tens],
    fromMinutes.length > 0 && [
      table("entity_traffic", "minutes"),
      sql`bucket_ts`,
      sql`(${sql.join(fromMinutes, sql` OR `)})`,
    ],
  ]
    .filter((a): a is [SQL, SQL, SQL] => !!a)
    .map(
      ([from, seen, when]) =>
        sql`SELECT ${seen} AS seen, entity_id, requests, status_4xx, status_5xx, rlat_hist FROM ${from}
            WHERE ${when} AND kind = ${params.kind}`,
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
                 extract(epoch from max(seen) FILTER (WHERE requests > 0))::float8 AS last_seen
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

/** A read of the entity tables: a rollup level, or the ten-minute sums (`entity_traffic_tens`). */
export type EntitySegment = Segment | { level: "tens"; from: number; to: number };

/**
 * The whole ten minutes of each minute segment read from `entity_traffic_tens` (plus the minute rows no
 * compaction has summed into it yet), minutes only at the ragged ends: a consumer's two 24 h edges read at
 * most 28 rows instead of up to 118. Ten minutes never cross an hour, so a folded hour's edge works the same.
 */
export function withTens(segs: Segment[]): EntitySegment[] {
  const out: EntitySegment[] = [];
  for (const s of segs) {
    const a = Math.ceil(s.from / ENTITY_TENS_S) * ENTITY_TENS_S;
    const b = Math.floor(s.to / ENTITY_TENS_S) * ENTITY_TENS_S;
    if (s.level !== "minutes" || a >= b) {
      out.push(s);
      continue;
    }
    if (s.from < a) out.push({ level: "minutes", from: s.from, to: a });
    out.push({ level: "tens", from: a, to: b });
    if (b < s.to) out.push({ level: "minutes", from: b, to: s.to });
  }
  return out;
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
