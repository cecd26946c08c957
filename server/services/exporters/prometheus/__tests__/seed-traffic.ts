import type { Db } from "@/db/client";
import { ALL_FLAGS, enablePrometheus, ingest, NODE_A, NODE_B, request } from "./support";

export const MOCK = {
  id: "5a0c0000-0000-4000-8000-000000000001",
  name: "mock-service",
  host: "mock.internal",
};
export const EXAMPLE = {
  id: "5a0c0000-0000-4000-8000-000000000002",
  name: "example.com",
  host: "example.com",
};
export const UNNAMED = { id: "5a0c0000-0000-4000-8000-000000000003", name: null, host: "backend.internal" };
export const ODD = {
  id: "5a0c0000-0000-4000-8000-000000000004",
  name: 'we"ird\\sérvice',
  host: "odd.internal",
};
export const HTTP_ROUTE = { id: "7b0c0000-0000-4000-8000-000000000001", name: "http-route" };
export const EX_ROUTE = { id: "7b0c0000-0000-4000-8000-000000000002", name: "ex-route" };
export const SERVERLESS = { id: "7b0c0000-0000-4000-8000-000000000003", name: "serverless" };
export const UNNAMED_ROUTE = { id: "7b0c0000-0000-4000-8000-000000000004", name: null };
export const LEGACY_API = { id: "9c0c0000-0000-4000-8000-000000000001", name: "legacy-api" };
export const ALICE = { id: "c0c0c000-0000-4000-8000-000000000001", username: "alice" };

export const NODE_A_CONNECTIONS = {
  active: 1,
  reading: 0,
  writing: 1,
  waiting: 0,
  accepted: 8,
  handled: 8,
  total: 8,
};
export const NODE_B_CONNECTIONS = {
  active: 2,
  reading: 1,
  writing: 1,
  waiting: 0,
  accepted: 20,
  handled: 20,
  total: 30,
};

/**
 * A known set of requests in the seed's shape, over two nodes, under one global prometheus instance with every
 * Kong 3.x flag on. Node B's datastore is unreachable.
 */
export async function seedTraffic(db: Db, nowMs: number): Promise<string> {
  const id = await enablePrometheus(db, {}, ALL_FLAGS);
  await ingest(
    db,
    NODE_A,
    [
      // kong-plugins §1a.6: one request, status 200, 112 B in, 400 B out, request=5, upstream=3, kong=2.
      request({ service: MOCK, route: HTTP_ROUTE }),
      request({
        service: MOCK,
        route: HTTP_ROUTE,
        consumer: ALICE,
        sizes: [100, 1000],
        latencies: { request: 61, kong: 4, proxy: 55 },
      }),
      // Kong answered itself (auth failure): no upstream latency, source="kong".
      request({
        service: MOCK,
        route: HTTP_ROUTE,
        status: 401,
        sizes: [50, 30],
        latencies: { request: 1, kong: 1, proxy: -1 },
      }),
      // An empty response adds no egress sample.
      request({
        service: EXAMPLE,
        route: EX_ROUTE,
        status: 301,
        sizes: [80, 0],
        latencies: { request: 250, kong: 10, proxy: 240 },
      }),
      // Legacy API traffic (no service): labelled by the API name.
      request({ api: LEGACY_API, sizes: [10, 20], latencies: { request: 7, kong: 2, proxy: 5 } }),
      // A route without a service: Kong 3.6+ records service="", legacy records nothing.
      request({ route: SERVERLESS, sizes: [5, 6], latencies: { request: 1, kong: 1, proxy: -1 } }),
      // Matched nothing: no Kong version records it.
      request({ status: 404, sizes: [40, 50], latencies: { request: 1, kong: 1, proxy: -1 } }),
      request({ service: ODD, route: UNNAMED_ROUTE, status: 200, sizes: [1, 2] }),
    ],
    { connections: NODE_A_CONNECTIONS, reachable: true },
    nowMs,
  );
  await ingest(
    db,
    NODE_B,
    [
      request({ service: MOCK, route: HTTP_ROUTE }),
      // A service with no name is labelled by its host; 60001 ms overflows every bucket but +Inf.
      request({
        service: UNNAMED,
        route: HTTP_ROUTE,
        status: 502,
        sizes: [0, 0],
        latencies: { request: 60001, kong: 1, proxy: 60000 },
      }),
    ],
    { connections: NODE_B_CONNECTIONS, reachable: false },
    nowMs,
  );
  return id;
}
