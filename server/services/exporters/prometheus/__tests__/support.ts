import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { plugins } from "@/db/schema";
import type { PrometheusConfig } from "@/lib/plugins/prometheus";
import { ingestBatch } from "@/server/services/ingest/ingest-batch";
import { validateNativeBatch } from "@/server/services/ingest/validate";
import { bumpPluginConfigVersion } from "@/server/services/plugins/precedence";
import { prometheusObserver } from "../observer";

export const NODE_A = "2f6c1b7e-0000-4000-8000-00000000000a";
export const NODE_B = "2f6c1b7e-0000-4000-8000-00000000000b";
export const WS = "0dd0a000-0000-4000-8000-000000000001";

type Scope = { serviceId?: string; routeId?: string; consumerId?: string; apiId?: string };

export const ALL_FLAGS: Partial<PrometheusConfig> = {
  per_consumer: true,
  status_code_metrics: true,
  latency_metrics: true,
  bandwidth_metrics: true,
};

/** A prometheus plugin row as the plugins area writes it: the row plus a config-version bump, in one transaction. */
export async function enablePrometheus(
  db: Db,
  scope: Scope = {},
  config: Partial<PrometheusConfig> = {},
): Promise<string> {
  const id = randomUUID();
  await db.transaction(async (tx) => {
    await tx.insert(plugins).values({
      id,
      name: "prometheus",
      serviceId: scope.serviceId ?? null,
      routeId: scope.routeId ?? null,
      consumerId: scope.consumerId ?? null,
      apiId: scope.apiId ?? null,
      config: {
        per_consumer: false,
        status_code_metrics: false,
        latency_metrics: false,
        bandwidth_metrics: false,
        upstream_health_metrics: false,
        ai_metrics: false,
        ...config,
      },
      protocols: ["grpc", "grpcs", "http", "https"],
      enabled: true,
    });
    await bumpPluginConfigVersion(tx as unknown as Db);
  });
  return id;
}

export async function setPluginEnabled(db: Db, id: string, enabled: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(plugins).set({ enabled }).where(eq(plugins.id, id));
    await bumpPluginConfigVersion(tx as unknown as Db);
  });
}

export async function setPluginConfig(db: Db, id: string, config: Partial<PrometheusConfig>): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select({ config: plugins.config }).from(plugins).where(eq(plugins.id, id));
    await tx
      .update(plugins)
      .set({ config: { ...(row.config as object), ...config } })
      .where(eq(plugins.id, id));
    await bumpPluginConfigVersion(tx as unknown as Db);
  });
}

export async function deletePlugin(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(plugins).where(eq(plugins.id, id));
    await bumpPluginConfigVersion(tx as unknown as Db);
  });
}

type Entity = { id: string; name?: string | null; host?: string };

/** One request entry in the ingest contract's shape (DESIGN §2, Kong's log serializer field names). */
export function request(r: {
  service?: Entity | null;
  route?: Entity | null;
  api?: Entity | null;
  consumer?: { id: string; username: string } | null;
  status?: number;
  sizes?: [number, number];
  latencies?: { request: number; kong: number; proxy: number };
  startedAt?: number;
}) {
  return {
    started_at: r.startedAt ?? Date.now(),
    service: r.service === undefined ? null : r.service,
    route: r.route === undefined ? null : r.route,
    api: r.api ?? null,
    consumer: r.consumer ?? null,
    workspace: { id: WS, name: "default" },
    request: { size: r.sizes?.[0] ?? 112 },
    response: { status: r.status ?? 200, size: r.sizes?.[1] ?? 400 },
    latencies: r.latencies ?? { request: 5, kong: 2, proxy: 3 },
  };
}

export type Connections = {
  active: number;
  reading: number;
  writing: number;
  waiting: number;
  accepted: number;
  handled: number;
  total: number;
};

let batchSeq = 0;

/** Posts a batch through the real ingest service (validation, rollups, the exporter's observer). */
export async function ingest(
  db: Db,
  nodeId: string,
  requests: ReturnType<typeof request>[],
  stats?: { at?: number; connections: Connections; reachable: boolean },
  nowMs = Date.now(),
): Promise<void> {
  const body = {
    batch_id: `${nodeId}:${++batchSeq}:${randomUUID()}`,
    node: { id: nodeId, hostname: `gw-${nodeId.slice(-1)}`, version: "3.9.3" },
    requests,
    stats: stats
      ? [
          {
            at: stats.at ?? Math.floor(nowMs / 1000),
            cache_datastore_hits: 0,
            cache_datastore_misses: 0,
            datastore_reachable: stats.reachable,
            connections: stats.connections,
          },
        ]
      : [],
  };
  await ingestBatch(db, validateNativeBatch(body), { observers: [prometheusObserver], now: nowMs });
}
