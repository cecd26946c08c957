import { sql } from "drizzle-orm";
import { type Db, queryRows } from "@/db/client";
import { isUuid } from "@/lib/uuid";
import { NotFoundError } from "@/server/errors";
import { aggregateCodes, type CodeSource } from "../rollups/read/codes";
import { aggregateHealth } from "../rollups/read/health";
import { planSegments } from "../rollups/read/levels";
import { invalidParam, VITALS_LEVEL, VITALS_WIDTH, type VitalsQuery } from "./params";

type EmptyBody = {
  meta: { level: "cluster"; interval: string; interval_width: number };
  stats: Record<string, never>;
};

export type VitalsCodesBody =
  | EmptyBody
  | {
      meta: {
        level: "cluster";
        entity_type: string;
        entity_id?: string;
        interval: string;
        interval_width: number;
        earliest_ts: number;
        latest_ts: number;
        stat_labels: string[];
        status_code_totals: Record<string, number>;
      };
      stats: Record<string, Record<string, Record<string, number>>>;
    };

export type VitalsConsumerBody =
  | EmptyBody
  | {
      meta: {
        level: "cluster";
        interval: string;
        interval_width: number;
        earliest_ts: number;
        latest_ts: number;
        stat_labels: ["requests_consumer_total"];
      };
      stats: { cluster: Record<string, number> };
    };

type Cell = { key: string; ts: number; code: string; count: number };

/**
 * Builds Kong's status-code body (kong-vitals §1.6 example B): sparse code objects (zeros left out), string
 * timestamp keys, `status_code_totals` with `total`. `interval_width` is included as in every Vitals meta.
 * Empty → only level/interval/interval_width and `stats: {}`.
 */
function codesBody(
  cells: Cell[],
  query: VitalsQuery,
  meta: { entity_type: string; entity_id?: string; stat_label: string },
): VitalsCodesBody {
  const width = VITALS_WIDTH[query.interval];
  const live = cells.filter((c) => c.count > 0);
  if (live.length === 0)
    return { meta: { level: "cluster", interval: query.interval, interval_width: width }, stats: {} };
  const stats: Record<string, Record<string, Record<string, number>>> = {};
  const totals: Record<string, number> = {};
  let total = 0;
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (const c of live.sort((a, b) => a.ts - b.ts || a.code.localeCompare(b.code))) {
    stats[c.key] ??= {};
    stats[c.key][String(c.ts)] ??= {};
    const bucket = stats[c.key][String(c.ts)];
    bucket[c.code] = (bucket[c.code] ?? 0) + c.count;
    totals[c.code] = (totals[c.code] ?? 0) + c.count;
    total += c.count;
    earliest = Math.min(earliest, c.ts);
    latest = Math.max(latest, c.ts);
  }
  return {
    meta: {
      level: "cluster",
      entity_type: meta.entity_type,
      ...(meta.entity_id ? { entity_id: meta.entity_id } : {}),
      interval: query.interval,
      interval_width: width,
      earliest_ts: earliest,
      latest_ts: latest,
      stat_labels: [meta.stat_label],
      status_code_totals: { ...totals, total },
    },
    stats,
  };
}

/**
 * `GET /vitals/status_code_classes` (and the deprecated `/vitals/cluster/status_codes`): read from the health
 * rollups' class columns, so seconds work too. Classes outside 1xx–5xx are left out, as Kong Manager does.
 */
export async function getVitalsStatusCodeClasses(
  db: Db,
  params: { query: VitalsQuery },
): Promise<VitalsCodesBody> {
  const { query } = params;
  const groups = await aggregateHealth(db, {
    segments: [{ level: VITALS_LEVEL[query.interval], from: query.from, to: query.to }],
    step: VITALS_WIDTH[query.interval],
    histograms: false,
  });
  const cells: Cell[] = [];
  for (const g of groups.values()) {
    const ts = g.ts ?? 0;
    const classes: [string, number][] = [
      ["1xx", g.s1],
      ["2xx", g.s2],
      ["3xx", g.s3],
      ["4xx", g.s4],
      ["5xx", g.s5],
    ];
    for (const [code, count] of classes) cells.push({ key: "cluster", ts, code, count });
  }
  return codesBody(cells, query, { entity_type: "cluster", stat_label: "status_code_classes_total" });
}

export type CodesEntity = "service" | "route" | "consumer" | "consumer_route";

const ENTITY_TABLES: Record<
  CodesEntity,
  { table: string; column: string; label: string; source: (id: string) => CodeSource }
> = {
  service: {
    table: "services",
    column: "service_id",
    label: "status_codes_per_service_total",
    source: (id) => ({ family: "codes_route", where: sql`service_id = ${id}::uuid` }),
  },
  route: {
    table: "routes",
    column: "route_id",
    label: "status_codes_per_route_total",
    source: (id) => ({ family: "codes_route", where: sql`route_id = ${id}::uuid` }),
  },
  consumer: {
    table: "consumers",
    column: "consumer_id",
    label: "status_codes_per_consumer_total",
    source: (id) => ({ family: "codes_consumer_route", where: sql`consumer_id = ${id}::uuid` }),
  },
  consumer_route: {
    table: "consumers",
    column: "consumer_id",
    label: "status_codes_per_consumer_route_total",
    source: (id) => ({ family: "codes_consumer_route", where: sql`consumer_id = ${id}::uuid` }),
  },
};

/** Resolves an id (or, for consumers, a username) to the entity's id; unknown → 404 `{"message":"Not found"}`. */
async function resolveEntity(db: Db, kind: CodesEntity, raw: string | null, param: string): Promise<string> {
  if (raw === null || raw === "") throw invalidParam(`${param} is required`);
  const t = ENTITY_TABLES[kind].table;
  const byUsername = t === "consumers" && !isUuid(raw);
  if (!byUsername && !isUuid(raw)) throw invalidParam(`${param} must be a UUID`);
  const rows = await queryRows<{ id: string }>(
    db,
    byUsername
      ? sql`SELECT id::text AS id FROM consumers WHERE username = ${raw}`
      : sql`SELECT id::text AS id FROM ${sql.raw(t)} WHERE id = ${raw}::uuid`,
  );
  if (!rows[0]) throw new NotFoundError();
  return rows[0].id;
}

/**
 * `GET [/{ws}]/vitals/status_codes/by_service|by_route|by_consumer|by_consumer_and_route`. The code rollups
 * have no seconds level (the caller restricts `interval`); by_consumer_and_route is keyed by route id.
 */
export async function getVitalsStatusCodes(
  db: Db,
  params: { entity: CodesEntity; rawId: string | null; query: VitalsQuery },
): Promise<VitalsCodesBody> {
  const spec = ENTITY_TABLES[params.entity];
  const id = await resolveEntity(db, params.entity, params.rawId, spec.column);
  const { query } = params;
  const source = spec.source(id);
  const rows = await aggregateCodes(db, {
    ...source,
    segments: await planSegments(db, source.family, {
      from: query.from,
      to: query.to,
      interval: VITALS_LEVEL[query.interval],
    }),
    step: VITALS_WIDTH[query.interval],
    keyColumn: params.entity === "consumer_route" ? "route_id" : undefined,
  });
  const cells = rows.map((r) => ({
    key: r.key ?? "cluster",
    ts: r.ts,
    code: String(r.code),
    count: r.count,
  }));
  return codesBody(cells, query, { entity_type: params.entity, entity_id: id, stat_label: spec.label });
}

/** `GET [/{ws}]/vitals/consumers/{id}/cluster` (deprecated in Kong): requests per bucket for one consumer. */
export async function getVitalsConsumerRequests(
  db: Db,
  params: { rawId: string; query: VitalsQuery },
): Promise<VitalsConsumerBody> {
  const id = await resolveEntity(db, "consumer", params.rawId, "consumer_id");
  const { query } = params;
  const width = VITALS_WIDTH[query.interval];
  const source = ENTITY_TABLES.consumer.source(id);
  const rows = await aggregateCodes(db, {
    ...source,
    segments: await planSegments(db, source.family, {
      from: query.from,
      to: query.to,
      interval: VITALS_LEVEL[query.interval],
    }),
    step: width,
  });
  const series: Record<string, number> = {};
  const stamps: number[] = [];
  for (const r of rows.sort((a, b) => a.ts - b.ts)) {
    if (r.count <= 0) continue;
    if (series[String(r.ts)] === undefined) stamps.push(r.ts);
    series[String(r.ts)] = (series[String(r.ts)] ?? 0) + r.count;
  }
  if (stamps.length === 0)
    return { meta: { level: "cluster", interval: query.interval, interval_width: width }, stats: {} };
  return {
    meta: {
      level: "cluster",
      interval: query.interval,
      interval_width: width,
      earliest_ts: stamps[0],
      latest_ts: stamps[stamps.length - 1],
      stat_labels: ["requests_consumer_total"],
    },
    stats: { cluster: series },
  };
}
