import type { PrometheusConfig } from "@/lib/plugins/prometheus";
import type { LatencyCounter, RequestCounter } from "./counters";
import {
  CONNECTION_STATES,
  type ConnectionState,
  KONG3_HELP,
  KONG3_KONG_BOUNDS,
  KONG3_UPSTREAM_BOUNDS,
  LEGACY_BOUNDS,
  LEGACY_HELP,
  leLabels,
  UNION_BUCKETS,
  unionIndexes,
} from "./families";
import { escapeLegacy, escapeModern, type Family, type HistogramFamily, type ScalarFamily } from "./render";

/** Summed counters of one label set of one instance (over nodes, or for one node). */
export type RequestTotals = Omit<RequestCounter, "seriesId" | "nodeId">;

/** Summed latency histograms (non-cumulative over UNION_BOUNDS + overflow), in the order kong, upstream, request. */
export type LatencyTotals = Omit<LatencyCounter, "seriesId" | "nodeId" | "hist"> & {
  hist: [number[] | null, number[] | null, number[] | null];
};

/** The latest stats sample of a node. */
export type NodeGauges = {
  nodeId: string;
  version: string | null;
  connections: Record<ConnectionState, number> | null;
  datastoreReachable: boolean | null;
};

export type ExpositionInput = {
  /** Enabled prometheus instances: counters of any other instance are not exposed. */
  instances: { id: string; config: Partial<PrometheusConfig> }[];
  requests: RequestTotals[];
  latency: LatencyTotals[];
  /** Live nodes (cluster view) or the one node asked for. */
  nodes: NodeGauges[];
};

const STORED_TYPE_INDEX = { kong: 0, upstream: 1, request: 2 } as const;

/** Accumulates scalar series by pre-escaped label text. */
class ScalarSeries {
  private readonly index = new Map<string, number>();
  readonly labels: string[] = [];
  readonly values: number[] = [];
  add(labels: string, v: number) {
    const i = this.index.get(labels);
    if (i === undefined) {
      this.index.set(labels, this.labels.length);
      this.labels.push(labels);
      this.values.push(v);
    } else this.values[i] += v;
  }
  family(type: "counter" | "gauge", name: string, help: string, keep = (_v: number) => true): ScalarFamily {
    const labels: string[] = [];
    const values: number[] = [];
    for (let i = 0; i < this.labels.length; i++) {
      if (!keep(this.values[i])) continue;
      labels.push(this.labels[i]);
      values.push(this.values[i]);
    }
    return { type, name, help, labels, values };
  }
}

/** Accumulates stored (union-bucket) histograms by label text; converts to a format's cumulative buckets. */
class HistogramSeries {
  private readonly index = new Map<string, number>();
  readonly labels: string[] = [];
  private readonly hists: Float64Array[] = [];
  private readonly sums: number[] = [];
  private readonly counts: number[] = [];
  add(labels: string, hist: readonly number[] | null, sum: number, count: number) {
    if (count <= 0) return;
    let i = this.index.get(labels);
    if (i === undefined) {
      i = this.labels.length;
      this.index.set(labels, i);
      this.labels.push(labels);
      this.hists.push(new Float64Array(UNION_BUCKETS));
      this.sums.push(0);
      this.counts.push(0);
    }
    const h = this.hists[i];
    if (hist) for (let k = 0; k < hist.length && k < UNION_BUCKETS; k++) h[k] += hist[k];
    this.sums[i] += sum;
    this.counts[i] += count;
  }
  family(name: string, help: string, bounds: readonly number[], padded: boolean): HistogramFamily {
    const le = leLabels(bounds, padded);
    const at = unionIndexes(bounds);
    const width = le.length;
    const buckets = new Float64Array(this.labels.length * width);
    for (let i = 0; i < this.labels.length; i++) {
      const h = this.hists[i];
      let cumulative = 0;
      let u = 0;
      for (let k = 0; k < at.length; k++) {
        for (; u <= at[k]; u++) cumulative += h[u];
        buckets[i * width + k] = cumulative;
      }
      // +Inf is the observation count, like Kong's `Inf` bucket.
      buckets[i * width + width - 1] = this.counts[i];
    }
    return {
      type: "histogram",
      name,
      help,
      le,
      labels: this.labels,
      buckets,
      counts: this.counts,
      sums: this.sums,
    };
  }
}

const pair = (k: string, v: string) => `${k}="${v}"`;

/** `key="escaped value"`, memoised per build: rows repeat the same few label values many times. */
function labelPairs(key: string, escapeValue: (v: string) => string): (value: string) => string {
  const memo = new Map<string, string>();
  return (value) => {
    let text = memo.get(value);
    if (text === undefined) {
      text = pair(key, escapeValue(value));
      memo.set(value, text);
    }
    return text;
  };
}

function gaugeFamilies(nodes: NodeGauges[]): { reachable: number | null; connections: number[] | null } {
  let reachable: number | null = null;
  let connections: number[] | null = null;
  for (const n of nodes) {
    // Cluster: the datastore is reachable only if every live node reaches it (min); connections add up.
    if (n.datastoreReachable !== null) reachable = Math.min(reachable ?? 1, n.datastoreReachable ? 1 : 0);
    if (n.connections) {
      connections ??= CONNECTION_STATES.map(() => 0);
      for (let s = 0; s < CONNECTION_STATES.length; s++)
        connections[s] += n.connections[CONNECTION_STATES[s]];
    }
  }
  return { reachable, connections };
}

/**
 * Legacy format (the seed's, DESIGN §6): plugin 0.1.0's cross-service `_total` families and the era-A
 * per-service families with `{code,service}` / `{type,service}` labels (kong-plugins §1a.1), padded `le`.
 * Legacy Kong records only requests with a service (§1a.5); legacy API traffic is labelled by the API name.
 */
export function buildLegacyFamilies(input: ExpositionInput): Family[] {
  const enabled = new Set(input.instances.map((i) => i.id));
  const servicePair = labelPairs("service", escapeLegacy);
  const status = new ScalarSeries();
  const statusTotal = new ScalarSeries();
  const bandwidth = new ScalarSeries();
  const bandwidthTotal = new ScalarSeries();
  for (const r of input.requests) {
    if (r.kind === "route" || !enabled.has(r.pluginId)) continue;
    const service = servicePair(r.service);
    const code = pair("code", String(r.code));
    status.add(`${code},${service}`, r.requests);
    statusTotal.add(code, r.requests);
    bandwidth.add(`type="egress",${service}`, r.bytesOut);
    bandwidth.add(`type="ingress",${service}`, r.bytesIn);
    bandwidthTotal.add(`type="egress"`, r.bytesOut);
    bandwidthTotal.add(`type="ingress"`, r.bytesIn);
  }
  const latency = new HistogramSeries();
  const latencyTotal = new HistogramSeries();
  for (const l of input.latency) {
    if (l.kind === "route" || !enabled.has(l.pluginId)) continue;
    const service = servicePair(l.service);
    for (const type of ["kong", "request", "upstream"] as const) {
      const t = STORED_TYPE_INDEX[type];
      latency.add(`type="${type}",${service}`, l.hist[t], l.sum[t], l.count[t]);
      latencyTotal.add(`type="${type}"`, l.hist[t], l.sum[t], l.count[t]);
    }
  }
  // Kong adds a bandwidth sample only when the size is > 0, so a series that never grew does not exist.
  const positive = (v: number) => v > 0;
  const families: Family[] = [
    bandwidthTotal.family("counter", "bandwidth_total", LEGACY_HELP.bandwidth_total, positive),
    bandwidth.family("counter", "bandwidth", LEGACY_HELP.bandwidth, positive),
    statusTotal.family("counter", "http_status_total", LEGACY_HELP.http_status_total),
    status.family("counter", "http_status", LEGACY_HELP.http_status),
    latency.family("latency", LEGACY_HELP.latency, LEGACY_BOUNDS, true),
    latencyTotal.family("latency_total", LEGACY_HELP.latency_total, LEGACY_BOUNDS, true),
    // The library registers its error counter at start-up and it stays 0 (§1a.1).
    {
      type: "counter",
      name: "nginx_metric_errors_total",
      help: LEGACY_HELP.nginx_metric_errors_total,
      labels: [""],
      values: [0],
    },
  ];
  const { reachable, connections } = gaugeFamilies(input.nodes);
  if (reachable !== null)
    families.push({
      type: "gauge",
      name: "datastore_reachable",
      help: LEGACY_HELP.datastore_reachable,
      labels: [""],
      values: [reachable],
    });
  if (connections)
    families.push({
      type: "gauge",
      name: "nginx_http_current_connections",
      help: LEGACY_HELP.nginx_http_current_connections,
      labels: CONNECTION_STATES.map((s) => pair("state", s)),
      values: connections,
    });
  return families;
}

/**
 * Kong 3.9 format (kong-plugins §1b.2), so Kong's current Grafana dashboard works. Each instance's flags pick
 * the families its traffic appears in (all default false, §2.5); they are applied when the scrape is rendered,
 * to counters kept at the finest grain. `per_consumer` fills the consumer label: consumers are recorded only
 * while it is on (counters.ts), and shown only while it is on.
 */
export function buildKong3Families(input: ExpositionInput): Family[] {
  const configs = new Map(input.instances.map((i) => [i.id, i.config]));
  const servicePair = labelPairs("service", escapeModern);
  const routePair = labelPairs("route", escapeModern);
  const workspacePair = labelPairs("workspace", escapeModern);
  const consumerPair = labelPairs("consumer", escapeModern);
  const requests = new ScalarSeries();
  const bandwidth = new ScalarSeries();
  for (const r of input.requests) {
    const config = configs.get(r.pluginId);
    if (!config || (!config.status_code_metrics && !config.bandwidth_metrics)) continue;
    const service = servicePair(r.service);
    const route = routePair(r.route);
    const workspace = workspacePair(r.workspace);
    const consumer = consumerPair(config.per_consumer ? r.consumer : "");
    if (config.status_code_metrics)
      requests.add(
        `${service},${route},code="${r.code}",source="${r.source}",${workspace},${consumer}`,
        r.requests,
      );
    if (config.bandwidth_metrics) {
      bandwidth.add(`${service},${route},direction="egress",${workspace},${consumer}`, r.bytesOut);
      bandwidth.add(`${service},${route},direction="ingress",${workspace},${consumer}`, r.bytesIn);
    }
  }
  const kongLatency = new HistogramSeries();
  const upstreamLatency = new HistogramSeries();
  const requestLatency = new HistogramSeries();
  for (const l of input.latency) {
    if (!configs.get(l.pluginId)?.latency_metrics) continue;
    const labels = `${servicePair(l.service)},${routePair(l.route)},${workspacePair(l.workspace)}`;
    kongLatency.add(labels, l.hist[0], l.sum[0], l.count[0]);
    upstreamLatency.add(labels, l.hist[1], l.sum[1], l.count[1]);
    requestLatency.add(labels, l.hist[2], l.sum[2], l.count[2]);
  }
  const families: Family[] = [
    requests.family("counter", "http_requests_total", KONG3_HELP.http_requests_total),
    bandwidth.family("counter", "bandwidth_bytes", KONG3_HELP.bandwidth_bytes, (v) => v > 0),
    kongLatency.family("kong_latency_ms", KONG3_HELP.kong_latency_ms, KONG3_KONG_BOUNDS, false),
    upstreamLatency.family(
      "upstream_latency_ms",
      KONG3_HELP.upstream_latency_ms,
      KONG3_UPSTREAM_BOUNDS,
      false,
    ),
    requestLatency.family("request_latency_ms", KONG3_HELP.request_latency_ms, KONG3_UPSTREAM_BOUNDS, false),
  ];
  // With no instance configured Kong 3.2+ hides the shared-dict series, the error counter included (§1b.2).
  if (input.instances.length > 0)
    families.push({
      type: "counter",
      name: "nginx_metric_errors_total",
      help: KONG3_HELP.nginx_metric_errors_total,
      labels: [""],
      values: [0],
    });
  const { reachable } = gaugeFamilies(input.nodes);
  if (reachable !== null)
    families.push({
      type: "gauge",
      name: "datastore_reachable",
      help: KONG3_HELP.datastore_reachable,
      labels: [""],
      values: [reachable],
    });
  const connections = new ScalarSeries();
  const nginxRequests = new ScalarSeries();
  const nodeInfo = new ScalarSeries();
  for (const n of input.nodes) {
    const node = pair("node_id", n.nodeId);
    nodeInfo.add(`${node},${pair("version", escapeModern(n.version ?? ""))}`, 1);
    if (!n.connections) continue;
    for (const s of CONNECTION_STATES)
      connections.add(`${node},subsystem="http",${pair("state", s)}`, n.connections[s]);
    // nginx's request total is the `total` field of its stub status (Kong's legacy state="total").
    nginxRequests.add(`${node},subsystem="http"`, n.connections.total);
  }
  families.push(
    connections.family("gauge", "nginx_connections_total", KONG3_HELP.nginx_connections_total),
    nginxRequests.family("gauge", "nginx_requests_total", KONG3_HELP.nginx_requests_total),
    nodeInfo.family("gauge", "node_info", KONG3_HELP.node_info),
  );
  return families;
}
