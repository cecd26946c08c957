import { getTableName, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import {
  codesClusterMinutes,
  codesConsumerRouteMinutes,
  codesNodeMinutes,
  codesRouteMinutes,
  consumers,
  entityTrafficMinutes,
  healthClusterMinutes,
  healthClusterSeconds,
  healthHours,
  healthMinutes,
  healthSeconds,
  nodes,
  routes,
  services,
} from "@/db/schema";
import { bucketOf, ENTITY_HISTOGRAM, emptyHistogram, HEALTH_HISTOGRAM } from "@/lib/histogram";
import { ensurePartitions } from "../../maintenance";
import type { HealthPoint, OverlayPoint } from "../types";

/** Rollup tables are range-partitioned with no default partition: create the one holding `ts` first. */
async function partitionFor(db: Db, t: PgTable, ts: number) {
  await ensurePartitions(db, getTableName(t), [ts]);
}

/** One request as the rollups see it; latencies in ms, null when absent (Kong answered itself). */
export type Req = {
  plat: number | null;
  ulat: number | null;
  status: number;
  bytesIn?: number;
  bytesOut?: number;
};

const HEALTH_TABLES = { seconds: healthSeconds, minutes: healthMinutes, hours: healthHours };

/** A health rollup row computed from requests, like the ingest aggregator would (additive measures only). */
export function healthRow(reqs: Req[], extra: { hits?: number; misses?: number; samples?: number } = {}) {
  const plat = reqs.map((r) => r.plat).filter((v): v is number => v !== null);
  const ulat = reqs.map((r) => r.ulat).filter((v): v is number => v !== null);
  const hist = (vals: number[]) => {
    if (!vals.length) return null;
    const h = emptyHistogram(HEALTH_HISTOGRAM);
    for (const v of vals) h[bucketOf(HEALTH_HISTOGRAM, v)]++;
    return h;
  };
  const cls = (c: number) => reqs.filter((r) => Math.floor(r.status / 100) === c).length;
  return {
    requests: reqs.length,
    cacheHits: extra.hits ?? 0,
    cacheMisses: extra.misses ?? 0,
    samples: extra.samples ?? 0,
    platMin: plat.length ? Math.min(...plat) : null,
    platMax: plat.length ? Math.max(...plat) : null,
    platSum: plat.reduce((a, b) => a + b, 0),
    platCount: plat.length,
    platHist: hist(plat),
    ulatMin: ulat.length ? Math.min(...ulat) : null,
    ulatMax: ulat.length ? Math.max(...ulat) : null,
    ulatSum: ulat.reduce((a, b) => a + b, 0),
    ulatCount: ulat.length,
    ulatHist: hist(ulat),
    bytesIn: reqs.reduce((a, r) => a + (r.bytesIn ?? 0), 0),
    bytesOut: reqs.reduce((a, r) => a + (r.bytesOut ?? 0), 0),
    status1xx: cls(1),
    status2xx: cls(2),
    status3xx: cls(3),
    status4xx: cls(4),
    status5xx: cls(5),
    statusOther: reqs.filter((r) => r.status < 100 || r.status >= 600).length,
  };
}

export async function insertHealth(
  db: Db,
  level: keyof typeof HEALTH_TABLES,
  ts: number,
  nodeId: string,
  reqs: Req[],
  extra: { hits?: number; misses?: number; samples?: number } = {},
) {
  await partitionFor(db, HEALTH_TABLES[level], ts);
  await db
    .insert(HEALTH_TABLES[level])
    .values({ bucketTs: new Date(ts * 1000), nodeId, ...healthRow(reqs, extra) });
  if (level !== "hours") await deriveClusterRow(db, level, ts);
}

/**
 * The shard sentinel ingest writes a node's cluster rows under (ingest-batch.ts clusterShard: the node id's
 * last byte mod 8), as SQL over node_id.
 */
export const CLUSTER_SHARD_SQL =
  "('00000000-0000-0000-0000-00000000000' || (('x' || right(node_id::text, 2))::bit(8)::int % 8))::uuid";

/** Rewrites the bucket's cluster rows from its node rows: one row per shard, as ingest keeps them in health_cluster_*. */
async function deriveClusterRow(db: Db, level: "seconds" | "minutes", ts: number) {
  await partitionFor(db, level === "seconds" ? healthClusterSeconds : healthClusterMinutes, ts);
  const at = new Date(ts * 1000).toISOString();
  await db.execute(sql.raw(`DELETE FROM health_cluster_${level} WHERE bucket_ts = '${at}'`));
  await db.execute(
    sql.raw(`INSERT INTO health_cluster_${level} (bucket_ts, node_id, requests, cache_hits, cache_misses, samples,
      plat_min, plat_max, plat_sum, plat_count, plat_hist, ulat_min, ulat_max, ulat_sum, ulat_count, ulat_hist,
      bytes_in, bytes_out, status_1xx, status_2xx, status_3xx, status_4xx, status_5xx, status_other)
    SELECT bucket_ts, ${CLUSTER_SHARD_SQL}, sum(requests), sum(cache_hits), sum(cache_misses), sum(samples),
      min(plat_min), max(plat_max), sum(plat_sum), sum(plat_count), gw_hist_sum(plat_hist), min(ulat_min),
      max(ulat_max), sum(ulat_sum), sum(ulat_count), gw_hist_sum(ulat_hist), sum(bytes_in), sum(bytes_out),
      sum(status_1xx), sum(status_2xx), sum(status_3xx), sum(status_4xx), sum(status_5xx), sum(status_other)
    FROM health_${level} WHERE bucket_ts = '${at}' GROUP BY 1, 2`),
  );
}

export async function insertNode(db: Db, id: string, hostname: string, version = "3.9.3") {
  await db.insert(nodes).values({ id, hostname, version });
}

export async function insertService(db: Db, id: string, name: string) {
  await db.insert(services).values({ id, name, host: `${name}.internal` });
}

export async function insertRoute(db: Db, id: string, name: string, serviceId: string) {
  await db.insert(routes).values({ id, name, serviceId });
}

export async function insertConsumer(db: Db, id: string, username: string) {
  await db.insert(consumers).values({ id, username });
}

export async function insertRouteCodes(
  db: Db,
  ts: number,
  routeId: string,
  serviceId: string,
  codes: Record<number, number>,
) {
  await partitionFor(db, codesRouteMinutes, ts);
  await db.insert(codesRouteMinutes).values(
    Object.entries(codes).map(([code, count]) => ({
      bucketTs: new Date(ts * 1000),
      routeId,
      serviceId,
      statusCode: Number(code),
      count,
    })),
  );
}

export async function insertConsumerRouteCodes(
  db: Db,
  ts: number,
  consumerId: string,
  routeId: string,
  serviceId: string,
  codes: Record<number, number>,
) {
  await partitionFor(db, codesConsumerRouteMinutes, ts);
  await db.insert(codesConsumerRouteMinutes).values(
    Object.entries(codes).map(([code, count]) => ({
      bucketTs: new Date(ts * 1000),
      consumerId,
      routeId,
      serviceId,
      statusCode: Number(code),
      count,
    })),
  );
}

/** One node's codes in a minute, with the cluster's rows beside them, as ingest writes both. */
export async function insertNodeCodes(db: Db, ts: number, nodeId: string, codes: Record<number, number>) {
  const rows = Object.entries(codes).map(([code, count]) => ({
    bucketTs: new Date(ts * 1000),
    statusCode: Number(code),
    count,
  }));
  await partitionFor(db, codesNodeMinutes, ts);
  await db.insert(codesNodeMinutes).values(rows.map((r) => ({ ...r, nodeId })));
  await partitionFor(db, codesClusterMinutes, ts);
  await db.insert(codesClusterMinutes).values(rows);
}

export async function insertEntityTraffic(
  db: Db,
  ts: number,
  kind: string,
  entityId: string,
  reqs: { rlat: number; status: number }[],
) {
  const h = emptyHistogram(ENTITY_HISTOGRAM);
  for (const r of reqs) h[bucketOf(ENTITY_HISTOGRAM, r.rlat)]++;
  await partitionFor(db, entityTrafficMinutes, ts);
  await db.insert(entityTrafficMinutes).values({
    bucketTs: new Date(ts * 1000),
    entityId,
    kind,
    requests: reqs.length,
    status4xx: reqs.filter((r) => r.status >= 400 && r.status < 500).length,
    status5xx: reqs.filter((r) => r.status >= 500 && r.status < 600).length,
    rlatSum: reqs.reduce((a, r) => a + r.rlat, 0),
    rlatCount: reqs.length,
    rlatHist: h,
  });
}

/** What an overlay line shows of a full point: the projection getOverlaySeries' points must equal. */
export function overlayOf(p: HealthPoint): OverlayPoint {
  return {
    ts: p.ts,
    state: p.state,
    requests: p.requests,
    rps: p.rps,
    proxyAvg: p.proxy.avg,
    upstreamAvg: p.upstream.avg,
    cacheHitRatio: p.cacheHitRatio,
  };
}
