import type { Interval, ResolvedRange } from "@/lib/time-range";

/** All latencies in integer ms (avg rounded, percentiles to 0.01 ms); null when no request had that latency. */
export type LatencyStats = {
  min: number | null;
  max: number | null;
  avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
};

export type StatusClasses = {
  "1xx": number;
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
  other: number;
};

/**
 * live: requests in the bucket; idle: a row (stats samples) but 0 requests: counters 0, latencies null;
 * silent: no row at all for the node (cluster: for any node): counters null too (DESIGN §2).
 */
export type BucketState = "live" | "idle" | "silent";

export type HealthPoint = {
  /** bucket start, unix seconds */
  ts: number;
  state: BucketState;
  requests: number | null;
  /** requests per second over the bucket width */
  rps: number | null;
  cacheHits: number | null;
  cacheMisses: number | null;
  /** hits / (hits + misses); null when both are 0 (undefined ratio, kong-vitals §1.2) */
  cacheHitRatio: number | null;
  proxy: LatencyStats;
  upstream: LatencyStats;
  status: StatusClasses | null;
  bytesIn: number | null;
  bytesOut: number | null;
};

/**
 * A node drawn over the cluster charts: the overlay lines only (requests/s, average proxy and upstream
 * latency, cache hit ratio). The node's full series is its own `getHealthSeries` (the CSV reads that).
 */
export type OverlayPoint = {
  ts: number;
  state: BucketState;
  requests: number | null;
  rps: number | null;
  proxyAvg: number | null;
  upstreamAvg: number | null;
  cacheHitRatio: number | null;
};

export type HealthSeries = {
  range: ResolvedRange;
  points: HealthPoint[];
};

/** One node's overlay lines (`getOverlaySeries`), on the same buckets as the cluster series of that range. */
export type OverlaySeries = {
  range: ResolvedRange;
  nodeId: string;
  hostname: string;
  points: OverlayPoint[];
};

export type Summary = {
  requests: number | null;
  rps: number | null;
  /** 4xx / requests; null without requests */
  errorRate4xx: number | null;
  errorRate5xx: number | null;
  p95ProxyMs: number | null;
  p95UpstreamMs: number | null;
  cacheHitRatio: number | null;
};

export type SummaryComparison = { range: ResolvedRange; current: Summary; previous: Summary };

export const ENTITY_SCOPES = ["cluster", "node", "service", "route", "consumer", "api", "unmatched"] as const;
export type EntityScope = (typeof ENTITY_SCOPES)[number];
export const ENTITY_KINDS = ["service", "route", "consumer", "api"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export type StatusCodeSeries = {
  /** interval/step say which rollup answered: code tables have no seconds level, so a seconds range comes back at minutes. */
  range: ResolvedRange;
  /** every bucket of the range; `codes` is sparse (codes with 0 requests are left out) */
  points: { ts: number; codes: Record<string, number> }[];
  totals: Record<string, number>;
};

export type EntityRow = {
  id: string;
  name: string | null;
  requests: number;
  /** (4xx + 5xx) / requests; null without requests */
  errorRate: number | null;
  /** p95 of the total request latency (`latencies.request`), from the entity histograms */
  p95Ms: number | null;
  status4xx: number;
  status5xx: number;
  /** start of the last bucket in the range with traffic, unix seconds */
  lastSeen: number | null;
};

export type EntityTable = { range: ResolvedRange; rows: EntityRow[] };

export type ConsumerRouteRow = {
  /** null on the "other" row that sums everything outside the top N */
  consumerId: string | null;
  consumerName: string | null;
  /** null on the "other" row, and on a pair without a route (a consumer's legacy-API traffic, for one) */
  routeId: string | null;
  routeName: string | null;
  requests: number;
  codes: Record<string, number>;
};

export type ConsumerRouteTable = { range: ResolvedRange; rows: ConsumerRouteRow[] };

export type NodeRow = {
  id: string;
  hostname: string;
  version: string | null;
  firstSeen: number;
  /** start of the newest health bucket of this node (any level), unix seconds */
  lastSeen: number | null;
  /** live: requests in the last ~10 s; idle: samples but no requests; silent: nothing recent */
  state: BucketState;
  requests: number;
  /** p95 proxy latency over the range */
  p95Ms: number | null;
  /** (4xx + 5xx) / requests over the range */
  errorRate: number | null;
};

export type NodeTable = { range: ResolvedRange; rows: NodeRow[] };

export type EntityDetail = {
  id: string;
  kind: EntityKind | "node";
  name: string | null;
  extra: Record<string, unknown>;
};

export type { Interval, ResolvedRange };
