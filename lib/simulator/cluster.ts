import { createRng, logNormal, pick, type Rng, uuidFrom, zipfWeights } from "./random";

/**
 * A simulated Kong cluster: services, routes, consumers and one legacy API with skewed popularity, and
 * nodes with roles. Produces batches in Gatewatch's native ingest format (DESIGN §2), whose request
 * entries use Kong's log-serializer field names.
 */
export type NodeRole = "normal" | "idle" | "goes-silent";

export type SimNode = { id: string; hostname: string; version: string; role: NodeRole };
type SimService = { id: string; name: string; host: string; upstreamMedianMs: number; errorRate5xx: number };
type SimRoute = { id: string; name: string; service: SimService };
type SimConsumer = { id: string; username: string; custom_id: string };
type SimApi = { id: string; name: string };

export type SimCluster = {
  seed: number;
  workspace: { id: string; name: string };
  nodes: SimNode[];
  services: SimService[];
  routes: SimRoute[];
  consumers: SimConsumer[];
  api: SimApi;
  routeWeights: Float64Array;
  consumerWeights: Float64Array;
};

/** What a Kong node posts: the native batch (same shape as POST /api/ingest accepts). */
export type NativeRequest = {
  started_at: number;
  service: { id: string; name: string; host: string } | null;
  route: { id: string; name: string } | null;
  api: { id: string; name: string } | null;
  consumer: { id: string; username: string; custom_id: string } | null;
  workspace: { id: string; name: string } | null;
  request: { size: number };
  response: { status: number; size: number };
  latencies: { request: number; kong: number; proxy: number };
};
export type NativeStats = {
  at: number;
  cache_datastore_hits: number;
  cache_datastore_misses: number;
  datastore_reachable: boolean;
  connections: Record<
    "active" | "reading" | "writing" | "waiting" | "accepted" | "handled" | "total",
    number
  >;
  shdict: Record<string, { capacity: number; free_space: number }>;
};
export type NativeBatch = {
  batch_id: string;
  node: { id: string; hostname: string; version: string };
  requests: NativeRequest[];
  stats: NativeStats[];
};

const SERVICE_NAMES = [
  "orders",
  "payments",
  "catalog",
  "search",
  "users",
  "auth",
  "inventory",
  "shipping",
  "reviews",
  "recommendations",
  "notifications",
  "billing",
  "media",
  "analytics",
  "checkout",
  "pricing",
];

export type ClusterOptions = {
  nodes?: number;
  services?: number;
  routesPerService?: number;
  consumers?: number;
  seed?: number;
};

export function createCluster(options: ClusterOptions = {}): SimCluster {
  const seed = options.seed ?? 42;
  const rng = createRng(seed);
  const nodeCount = Math.max(1, options.nodes ?? 5);
  const nodes: SimNode[] = Array.from({ length: nodeCount }, (_, i) => ({
    id: uuidFrom(rng),
    hostname: `gw-${i + 1}`,
    version: "3.9.3",
    // With 3+ nodes: the last one is idle (stats, no requests), the one before it goes silent.
    role:
      nodeCount >= 3 && i === nodeCount - 1
        ? "idle"
        : nodeCount >= 3 && i === nodeCount - 2
          ? "goes-silent"
          : "normal",
  }));
  const services: SimService[] = Array.from({ length: options.services ?? 12 }, (_, i) => {
    const base = SERVICE_NAMES[i % SERVICE_NAMES.length];
    const name = i < SERVICE_NAMES.length ? base : `${base}-${Math.floor(i / SERVICE_NAMES.length) + 1}`;
    return {
      id: uuidFrom(rng),
      name,
      host: `${name}.internal`,
      upstreamMedianMs: 15 + Math.round(rng() * 120),
      errorRate5xx: 0.002 + rng() * 0.03,
    };
  });
  const routes: SimRoute[] = [];
  for (const service of services) {
    for (let r = 0; r < (options.routesPerService ?? 3); r++) {
      routes.push({ id: uuidFrom(rng), name: `${service.name}-v${r + 1}`, service });
    }
  }
  const consumers: SimConsumer[] = Array.from({ length: options.consumers ?? 200 }, (_, i) => ({
    id: uuidFrom(rng),
    username: `consumer-${String(i + 1).padStart(4, "0")}`,
    custom_id: `c-${i + 1}`,
  }));
  return {
    seed,
    workspace: { id: uuidFrom(rng), name: "default" },
    nodes,
    services,
    routes,
    consumers,
    api: { id: uuidFrom(rng), name: "legacy.example.com" },
    routeWeights: zipfWeights(routes.length, 1),
    consumerWeights: zipfWeights(consumers.length, 1),
  };
}

const clamp = (v: number) => Math.max(0, Math.round(v));

/** One request as Kong's log serializer would describe it. */
export function generateRequest(cluster: SimCluster, rng: Rng, startedAt: number): NativeRequest {
  const ws = cluster.workspace;
  const roll = rng();
  // 1 % unmatched (router 404, no service), 3 % legacy API traffic, the rest through services.
  if (roll < 0.01) {
    const kong = clamp(logNormal(rng, 1, 0.5));
    return {
      started_at: startedAt,
      service: null,
      route: null,
      api: null,
      consumer: null,
      workspace: ws,
      request: { size: 180 + Math.floor(rng() * 200) },
      response: { status: 404, size: 150 },
      latencies: { request: kong, kong, proxy: -1 },
    };
  }
  const route = roll < 0.04 ? null : cluster.routes[pick(rng, cluster.routeWeights)];
  const service = route?.service ?? null;
  const anonymous = rng() < 0.1;
  const consumer = anonymous ? null : cluster.consumers[pick(rng, cluster.consumerWeights)];
  let status = 200;
  let terminatedByKong = false;
  const s = rng();
  const err5xx = service?.errorRate5xx ?? 0.01;
  if (anonymous && rng() < 0.5) {
    status = 401; // key-auth rejects: Kong answers without calling the upstream
    terminatedByKong = true;
  } else if (s < 0.015) {
    status = 429; // rate limited by Kong
    terminatedByKong = true;
  } else if (s < 0.015 + err5xx) status = [500, 502, 503, 504][Math.floor(rng() * 4)];
  else if (s < 0.06 + err5xx) status = [400, 403, 404, 409, 422][Math.floor(rng() * 5)];
  else if (s < 0.09 + err5xx) status = [301, 304][Math.floor(rng() * 2)];
  else status = rng() < 0.85 ? 200 : rng() < 0.6 ? 201 : 204;
  const kong = clamp(logNormal(rng, 2, 0.6));
  const upstream = terminatedByKong ? -1 : clamp(logNormal(rng, service?.upstreamMedianMs ?? 60, 0.55));
  return {
    started_at: startedAt,
    service: service ? { id: service.id, name: service.name, host: service.host } : null,
    route: route ? { id: route.id, name: route.name } : null,
    api: route ? null : { id: cluster.api.id, name: cluster.api.name },
    consumer,
    workspace: ws,
    request: { size: 200 + Math.floor(rng() * 1200) },
    response: { status, size: status === 204 ? 0 : 300 + Math.floor(rng() * 6000) },
    latencies: { request: kong + Math.max(0, upstream) + clamp(rng() * 2), kong, proxy: upstream },
  };
}

/** A node's stats sample for one second (Vitals cache counters, nginx connections, shared dicts). */
export function generateStats(rng: Rng, at: number, requests: number): NativeStats {
  const lookups = Math.round(requests * 0.4 + rng() * 3);
  const misses = Math.round(lookups * (0.1 + rng() * 0.2));
  const active = 5 + Math.round(rng() * 20) + Math.round(requests / 20);
  return {
    at,
    cache_datastore_hits: lookups - misses,
    cache_datastore_misses: misses,
    datastore_reachable: true,
    connections: {
      active,
      reading: Math.round(active * 0.1),
      writing: Math.round(active * 0.3),
      waiting: active - Math.round(active * 0.1) - Math.round(active * 0.3),
      accepted: at * 3,
      handled: at * 3,
      total: at * 5,
    },
    shdict: { kong: { capacity: 5242880, free_space: 5000000 - Math.round(rng() * 200000) } },
  };
}
