/**
 * Kong's prometheus plugin catalogue: names, HELP texts, label order and histogram boundaries.
 * Legacy = plugin 0.1.0 cross-service `_total` families plus the era-A per-service families (kong-plugins §1a,
 * HELP texts of the `_total` families from the plugin 0.1.0 README); modern = Kong 3.9.3 (§1b.2).
 * Names here are the stored keys without the `kong_` prefix: Kong sorts on those (§1a.4).
 */

export const LEGACY_HELP = {
  bandwidth_total: "Total bandwidth in bytes for all proxied requests in Kong",
  bandwidth: "Total bandwidth in bytes consumed per service in Kong",
  datastore_reachable: "Datastore reachable from Kong, 0 is unreachable",
  // "aggreggated" is Kong's spelling (plugin 0.1.0).
  http_status_total: "HTTP status codes aggreggated across all services in Kong",
  http_status: "HTTP status codes per service in Kong",
  latency: "Latency added by Kong, total request time and upstream latency for each service in Kong",
  latency_total:
    "Latency added by Kong, total request time and upstream latency aggreggated across all services in Kong",
  nginx_http_current_connections: "Number of HTTP connections",
  nginx_metric_errors_total: "Number of nginx-lua-prometheus errors",
} as const;

export const KONG3_HELP = {
  bandwidth_bytes: "Total bandwidth (ingress/egress) throughput in bytes",
  datastore_reachable: "Datastore reachable from Kong, 0 is unreachable",
  http_requests_total: "HTTP status codes per consumer/service/route in Kong",
  kong_latency_ms: "Latency added by Kong and enabled plugins for each service/route in Kong",
  nginx_connections_total: "Number of connections by subsystem",
  nginx_metric_errors_total: "Number of nginx-lua-prometheus errors",
  nginx_requests_total: "Number of requests total",
  node_info: "Kong Node metadata information",
  request_latency_ms: "Total latency incurred during requests for each service/route in Kong",
  upstream_latency_ms: "Latency added by upstream response for each service/route in Kong",
} as const;

/** Legacy `latency` buckets, ms, shared by the three types (§1a.2). */
export const LEGACY_BOUNDS = [
  1, 2, 5, 7, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000,
  30000, 60000,
] as const;
/** Kong 3.9 `kong_latency_ms` buckets (3000 and 6000 arrived in 3.9; §1b.2). */
export const KONG3_KONG_BOUNDS = [
  1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000,
] as const;
/** Kong 3.x `upstream_latency_ms` and `request_latency_ms` buckets. */
export const KONG3_UPSTREAM_BOUNDS = [
  25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000,
] as const;

/**
 * Stored histograms count over the union of every boundary above (plus overflow), so each format's cumulative
 * buckets are exact sums of stored buckets.
 */
export const UNION_BOUNDS: readonly number[] = [
  ...new Set<number>([...LEGACY_BOUNDS, ...KONG3_KONG_BOUNDS, ...KONG3_UPSTREAM_BOUNDS]),
].sort((a, b) => a - b);
/** Stored histogram length: one bucket per union bound plus the overflow bucket. */
export const UNION_BUCKETS = UNION_BOUNDS.length + 1;

/** Index of the stored bucket for a latency (v <= bound, Prometheus `le`); overflow is the last index. */
export function unionBucketOf(ms: number): number {
  let lo = 0;
  let hi = UNION_BOUNDS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (UNION_BOUNDS[mid] < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** For each boundary of a format, the stored-bucket index with the same bound (cumulative = prefix sum up to it). */
export function unionIndexes(bounds: readonly number[]): Int32Array {
  return Int32Array.from(bounds, (b) => {
    const i = UNION_BOUNDS.indexOf(b);
    if (i < 0) throw new Error(`bound ${b} is not in UNION_BOUNDS`);
    return i;
  });
}

/**
 * Kong's `le` text. Legacy plugin ≤ 1.3.0 exposes the zero-padded key the library sorts on: one printf template
 * per histogram, width = integer digits + fraction digits (at least 1) + 1, so 1 → `00001.0` (`%07.1f`) for the
 * legacy bounds (§1a.3). Kong 2.6+ and 3.x print the plain number (`le="25"`). The overflow is `+Inf` in both.
 */
export function leLabels(bounds: readonly number[], padded: boolean): string[] {
  const texts = bounds.map((b) => String(b));
  if (padded) {
    let intDigits = 0;
    let fracDigits = 1;
    for (const t of texts) {
      const [i, f = ""] = t.split(".");
      intDigits = Math.max(intDigits, i.length);
      fracDigits = Math.max(fracDigits, f.length);
    }
    const width = intDigits + fracDigits + 1;
    for (let k = 0; k < bounds.length; k++) texts[k] = bounds[k].toFixed(fracDigits).padStart(width, "0");
  }
  texts.push("+Inf");
  return texts;
}

export const LATENCY_TYPES = ["kong", "request", "upstream"] as const;
export type LatencyType = (typeof LATENCY_TYPES)[number];

/** nginx connection states in Kong's byte-wise output order. */
export const CONNECTION_STATES = [
  "accepted",
  "active",
  "handled",
  "reading",
  "total",
  "waiting",
  "writing",
] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];
