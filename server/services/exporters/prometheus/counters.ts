import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { IngestBatch, IngestEvent } from "@/server/services/ingest/types";
import { UNION_BUCKETS, unionBucketOf } from "./families";

/** The prometheus instance covering an event (Kong's precedence), or null when none is enabled for it. */
export type CoveringInstance = (event: IngestEvent) => {
  id: string;
  config: { per_consumer?: boolean } | null;
} | null;

/** The labels that make a counter row's series: one instance's traffic on one node. */
export type SeriesLabels = {
  seriesId: string;
  pluginId: string;
  nodeId: string;
  kind: string;
  service: string;
  route: string;
  workspace: string;
};

export type RequestCounter = SeriesLabels & {
  consumer: string;
  code: number;
  source: string;
  requests: number;
  bytesIn: number;
  bytesOut: number;
};

export type LatencyCounter = SeriesLabels & {
  /** kong, upstream, request: non-cumulative counts over UNION_BOUNDS + overflow. */
  hist: [number[], number[], number[]];
  sum: [number, number, number];
  count: [number, number, number];
};

export type BatchCounters = { requests: RequestCounter[]; latency: LatencyCounter[] };

/** md5 of the key as a uuid: stable across processes, so every Gatewatch instance upserts the same row. */
function seriesId(key: string): string {
  const h = createHash("md5").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Which entity the traffic matched and the labels Kong gives it (§1a.5, §1b.2). `service` is the service
 * name, else its host; legacy API traffic (no service) is labelled by the API name. A request with neither a
 * service, an API nor a route is recorded by no Kong version, so it returns null.
 */
function entityLabels(e: IngestEvent): { kind: string; service: string; route: string } | null {
  const route = e.routeName ?? e.routeId ?? "";
  if (e.serviceId) return { kind: "service", service: e.serviceName ?? e.serviceHost ?? "", route };
  if (e.apiId) return { kind: "api", service: e.apiName ?? "", route: "" };
  if (e.routeId) return { kind: "route", service: "", route };
  return null;
}

/**
 * Aggregates the batches of one transaction (a group commit holds several) in memory into few rows, one per
 * series, sorted by series id so that concurrent ingesters lock rows in the same order (scale-notes R6).
 */
export function aggregateBatches(batches: readonly IngestBatch[], covering: CoveringInstance): BatchCounters {
  const requests = new Map<string, RequestCounter>();
  const latency = new Map<string, LatencyCounter>();
  for (const batch of batches) {
    const nodeId = batch.node.id;
    for (const e of batch.events) {
      const labels = entityLabels(e);
      if (!labels) continue;
      const instance = covering(e);
      if (!instance) continue;
      const workspace = e.workspaceName ?? "";
      // Like Kong, the consumer is recorded only while the instance has per_consumer; this also keeps the
      // consumer dimension (the costliest one, ingest-limits) out of the table for everyone else.
      const consumer = instance.config?.per_consumer ? (e.consumerUsername ?? "") : "";
      const source = e.latProxy === null ? "kong" : "service";
      const rkey = JSON.stringify([
        instance.id,
        nodeId,
        labels.kind,
        labels.service,
        labels.route,
        workspace,
        consumer,
        e.status,
        source,
      ]);
      let r = requests.get(rkey);
      if (!r) {
        r = {
          seriesId: seriesId(rkey),
          pluginId: instance.id,
          nodeId,
          ...labels,
          workspace,
          consumer,
          code: e.status,
          source,
          requests: 0,
          bytesIn: 0,
          bytesOut: 0,
        };
        requests.set(rkey, r);
      }
      r.requests++;
      r.bytesIn += e.requestSize;
      r.bytesOut += e.responseSize;

      if (e.latKong === null && e.latProxy === null && e.latRequest === null) continue;
      const lkey = JSON.stringify([
        instance.id,
        nodeId,
        labels.kind,
        labels.service,
        labels.route,
        workspace,
      ]);
      let l = latency.get(lkey);
      if (!l) {
        l = {
          seriesId: seriesId(lkey),
          pluginId: instance.id,
          nodeId,
          ...labels,
          workspace,
          hist: [
            new Array(UNION_BUCKETS).fill(0),
            new Array(UNION_BUCKETS).fill(0),
            new Array(UNION_BUCKETS).fill(0),
          ],
          sum: [0, 0, 0],
          count: [0, 0, 0],
        };
        latency.set(lkey, l);
      }
      // Each latency is observed only when measured (>= 0); upstream is absent when Kong answered itself.
      const values = [e.latKong, e.latProxy, e.latRequest];
      for (let t = 0; t < 3; t++) {
        const v = values[t];
        if (v === null || v < 0) continue;
        l.hist[t][unionBucketOf(v)]++;
        l.sum[t] += v;
        l.count[t]++;
      }
    }
  }
  const bySeries = (a: { seriesId: string }, b: { seriesId: string }) =>
    a.seriesId < b.seriesId ? -1 : a.seriesId > b.seriesId ? 1 : 0;
  return {
    requests: [...requests.values()].sort(bySeries),
    latency: [...latency.values()].sort(bySeries),
  };
}

const pgArray = (values: number[]) => `{${values.join(",")}}`;

/**
 * Additive upserts of one batch's counters, inside the batch transaction (exactly once with the rollups).
 * Fixed table order (requests, then latency) and rows sorted by the conflict key: deadlock-free between
 * concurrent ingesters (scale-notes R6). SET uses only columns, EXCLUDED and the IMMUTABLE gw_hist_add (R5).
 */
export async function writeCounters(tx: Db, counters: BatchCounters): Promise<void> {
  const { requests, latency } = counters;
  if (requests.length > 0) {
    await tx.execute(sql`
      INSERT INTO prometheus_requests AS t
        (series_id, plugin_id, node_id, kind, service, route, workspace, consumer, code, source,
         requests, bytes_in, bytes_out)
      SELECT * FROM unnest(
        ${sql.param(requests.map((r) => r.seriesId))}::text[]::uuid[],
        ${sql.param(requests.map((r) => r.pluginId))}::text[]::uuid[],
        ${sql.param(requests.map((r) => r.nodeId))}::text[]::uuid[],
        ${sql.param(requests.map((r) => r.kind))}::text[],
        ${sql.param(requests.map((r) => r.service))}::text[],
        ${sql.param(requests.map((r) => r.route))}::text[],
        ${sql.param(requests.map((r) => r.workspace))}::text[],
        ${sql.param(requests.map((r) => r.consumer))}::text[],
        ${sql.param(requests.map((r) => String(r.code)))}::text[]::smallint[],
        ${sql.param(requests.map((r) => r.source))}::text[],
        ${sql.param(requests.map((r) => String(r.requests)))}::text[]::bigint[],
        ${sql.param(requests.map((r) => String(r.bytesIn)))}::text[]::bigint[],
        ${sql.param(requests.map((r) => String(r.bytesOut)))}::text[]::bigint[])
      ON CONFLICT (series_id) DO UPDATE SET
        requests = t.requests + EXCLUDED.requests,
        bytes_in = t.bytes_in + EXCLUDED.bytes_in,
        bytes_out = t.bytes_out + EXCLUDED.bytes_out`);
  }
  if (latency.length > 0) {
    const hist = (t: number) => sql.param(latency.map((l) => (l.count[t] > 0 ? pgArray(l.hist[t]) : null)));
    const sums = (t: number) => sql.param(latency.map((l) => String(l.sum[t])));
    const counts = (t: number) => sql.param(latency.map((l) => String(l.count[t])));
    await tx.execute(sql`
      INSERT INTO prometheus_latency AS t
        (series_id, plugin_id, node_id, kind, service, route, workspace,
         kong_hist, kong_sum, kong_count, upstream_hist, upstream_sum, upstream_count,
         request_hist, request_sum, request_count)
      SELECT u.series_id, u.plugin_id, u.node_id, u.kind, u.service, u.route, u.workspace,
        u.kong_hist::bigint[], u.kong_sum, u.kong_count, u.upstream_hist::bigint[], u.upstream_sum,
        u.upstream_count, u.request_hist::bigint[], u.request_sum, u.request_count
      FROM unnest(
        ${sql.param(latency.map((l) => l.seriesId))}::text[]::uuid[],
        ${sql.param(latency.map((l) => l.pluginId))}::text[]::uuid[],
        ${sql.param(latency.map((l) => l.nodeId))}::text[]::uuid[],
        ${sql.param(latency.map((l) => l.kind))}::text[],
        ${sql.param(latency.map((l) => l.service))}::text[],
        ${sql.param(latency.map((l) => l.route))}::text[],
        ${sql.param(latency.map((l) => l.workspace))}::text[],
        ${hist(0)}::text[], ${sums(0)}::text[]::float8[], ${counts(0)}::text[]::bigint[],
        ${hist(1)}::text[], ${sums(1)}::text[]::float8[], ${counts(1)}::text[]::bigint[],
        ${hist(2)}::text[], ${sums(2)}::text[]::float8[], ${counts(2)}::text[]::bigint[])
        AS u(series_id, plugin_id, node_id, kind, service, route, workspace,
             kong_hist, kong_sum, kong_count, upstream_hist, upstream_sum, upstream_count,
             request_hist, request_sum, request_count)
      ON CONFLICT (series_id) DO UPDATE SET
        kong_hist = gw_hist_add(t.kong_hist, EXCLUDED.kong_hist),
        kong_sum = t.kong_sum + EXCLUDED.kong_sum,
        kong_count = t.kong_count + EXCLUDED.kong_count,
        upstream_hist = gw_hist_add(t.upstream_hist, EXCLUDED.upstream_hist),
        upstream_sum = t.upstream_sum + EXCLUDED.upstream_sum,
        upstream_count = t.upstream_count + EXCLUDED.upstream_count,
        request_hist = gw_hist_add(t.request_hist, EXCLUDED.request_hist),
        request_sum = t.request_sum + EXCLUDED.request_sum,
        request_count = t.request_count + EXCLUDED.request_count`);
  }
}

/**
 * Deletes the counters of prometheus instances that no longer exist. A deleted instance's series are hidden
 * at once (only enabled instances are read); this reclaims their rows, e.g. from periodic maintenance.
 */
export async function pruneDeletedInstances(db: Db): Promise<void> {
  for (const table of ["prometheus_requests", "prometheus_latency"]) {
    await db.execute(
      sql`DELETE FROM ${sql.identifier(table)} t
          WHERE NOT EXISTS (SELECT 1 FROM plugins p WHERE p.id = t.plugin_id AND p.name = 'prometheus')`,
    );
  }
}
