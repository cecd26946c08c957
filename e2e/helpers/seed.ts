import type { APIRequestContext } from "@playwright/test";

/**
 * Deterministic traffic posted through the public ingest endpoint (DESIGN §2), relative to "now":
 * - gw-alpha serves `orders` (alice) every 2 s for 2 minutes, plus a few legacy-API requests;
 * - gw-beta serves `payments` (bob) for 20 s, is silent (sends nothing) for 40 s, then serves 20 s more;
 * - gw-idle reports stats every second but serves requests only in two 10 s bursts, so its latency line
 *   has a gap (idle, not silent).
 * Batch ids are fixed, so seeding twice against the same server is acknowledged and not counted again.
 */
export const SEED = {
  nodes: {
    alpha: { id: "0a1fa000-0000-4000-8000-000000000001", hostname: "gw-alpha", version: "3.9.3" },
    beta: { id: "0b2eb000-0000-4000-8000-000000000002", hostname: "gw-beta", version: "3.9.3" },
    idle: { id: "0c3dc000-0000-4000-8000-000000000003", hostname: "gw-idle", version: "3.8.1" },
  },
  services: {
    orders: { id: "5e000000-0000-4000-8000-0000000000a1", name: "orders", host: "orders.internal" },
    payments: { id: "5e000000-0000-4000-8000-0000000000b2", name: "payments", host: "payments.internal" },
  },
  routes: {
    orders: { id: "40000000-0000-4000-8000-0000000000a1", name: "orders-v1" },
    payments: { id: "40000000-0000-4000-8000-0000000000b2", name: "payments-v1" },
  },
  consumers: {
    alice: { id: "c0000000-0000-4000-8000-0000000000a1", username: "alice", custom_id: "c-1" },
    bob: { id: "c0000000-0000-4000-8000-0000000000b2", username: "bob", custom_id: "c-2" },
  },
  api: { id: "a0000000-0000-4000-8000-0000000000c3", name: "legacy-orders" },
  /** what was sent, for the journeys to compare against */
  totals: {
    requests: 125,
    byNode: { alpha: 65, beta: 40, idle: 20 },
    byService: { orders: 80, payments: 40 },
    byConsumer: { alice: 60, bob: 40 },
    classes: { "2xx": 108, "4xx": 11, "5xx": 6 },
  },
} as const;

type Json = Record<string, unknown>;

function request(at: number, status: number, entity: Json, proxy: number, kong: number): Json {
  return {
    started_at: at * 1000 + 137,
    service: null,
    route: null,
    api: null,
    consumer: null,
    workspace: { id: "00000000-0000-4000-8000-00000000f00d", name: "default" },
    request: { size: 300 },
    response: { status, size: 1500 },
    latencies: { request: kong + Math.max(proxy, 0) + 1, kong, proxy },
    ...entity,
  };
}

function stats(at: number): Json {
  return { at, cache_datastore_hits: 3, cache_datastore_misses: 1, datastore_reachable: true };
}

const ORDERS = { service: SEED.services.orders, route: SEED.routes.orders };

/** The three batches for an anchor second (unix seconds, a little before now). */
export function seedBatches(anchor: number): Json[] {
  const alpha: Json[] = [];
  for (let i = 0; i < 60; i++) {
    const status = i % 10 === 9 ? 500 : i % 10 === 4 ? 404 : 200;
    alpha.push(
      request(
        anchor - 120 + 2 * i,
        status,
        { ...ORDERS, consumer: SEED.consumers.alice },
        20 + (i % 5) * 10,
        2 + (i % 3),
      ),
    );
  }
  for (let i = 0; i < 5; i++) alpha.push(request(anchor - 115 + i * 3, 200, { api: SEED.api }, 30, 2));
  const beta: Json[] = [];
  const betaSeconds: number[] = [];
  for (let i = 0; i < 40; i++) {
    const at = i < 20 ? anchor - 100 + i : anchor - 40 + (i - 20);
    betaSeconds.push(at);
    // 401s are answered by Kong itself: no upstream latency (-1), DESIGN §2.
    const status = i % 8 === 7 ? 401 : 200;
    const entity = {
      service: SEED.services.payments,
      route: SEED.routes.payments,
      consumer: SEED.consumers.bob,
    };
    beta.push(request(at, status, entity, status === 401 ? -1 : 45 + (i % 4) * 5, 4));
  }
  const idle: Json[] = [];
  for (let i = 0; i < 20; i++) {
    const at = i < 10 ? anchor - 110 + i : anchor - 30 + (i - 10);
    idle.push(request(at, 200, ORDERS, 60, 6));
  }
  const everySecond = Array.from({ length: 121 }, (_, i) => stats(anchor - 120 + i));
  return [
    { batch_id: "e2e-seed:alpha", node: SEED.nodes.alpha, requests: alpha, stats: everySecond },
    { batch_id: "e2e-seed:beta", node: SEED.nodes.beta, requests: beta, stats: betaSeconds.map(stats) },
    { batch_id: "e2e-seed:idle", node: SEED.nodes.idle, requests: idle, stats: everySecond },
  ];
}

/** Posts the seed batches; returns the anchor second. */
export async function seedTraffic(
  api: APIRequestContext,
  anchor = Math.floor(Date.now() / 1000) - 5,
): Promise<number> {
  for (const batch of seedBatches(anchor)) {
    const res = await api.post("/api/ingest", { data: batch });
    if (!res.ok()) throw new Error(`ingest ${batch.batch_id}: ${res.status()} ${await res.text()}`);
  }
  return anchor;
}
