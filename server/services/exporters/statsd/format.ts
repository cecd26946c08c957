import type {
  ConsumerIdentifier,
  ServiceIdentifier,
  StatsdConfig,
  StatsdMetric,
  StatsdStatType,
  WorkspaceIdentifier,
} from "@/lib/plugins/statsd";
import type { IngestEvent } from "../../ingest/types";

/**
 * Kong's statsd line format (kong-plugins §1d; Kong 3.9 `log.lua` + `statsd_logger.lua`), written by hand
 * rather than with a StatsD client library: clients such as hot-shots format and combine lines their own way,
 * so they cannot reproduce Kong's bytes (scope names, tag sections, the §1d.6 packet rule).
 *
 * A formatter is compiled once per plugin config; formatting one event is then a handful of string
 * concatenations (it runs for every ingested request the instance covers).
 */

const TYPE_SUFFIX: Record<StatsdStatType, string> = {
  counter: "c",
  gauge: "g",
  timer: "ms",
  histogram: "h",
  meter: "m",
  set: "s",
};

/** Lua's `tostring(number)` (`%.14g`): integers without decimals, C-style exponents (`1e-05`, `1e+14`). */
export function formatLuaNumber(n: number): string {
  if (Object.is(n, -0)) return "-0";
  if (Number.isInteger(n) && Math.abs(n) < 1e14) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "nan" : n > 0 ? "inf" : "-inf";
  const [mantissa, expText] = n.toExponential(13).split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 14) {
    return `${stripTrailingZeros(mantissa)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return stripTrailingZeros(n.toFixed(13 - exp));
}

function stripTrailingZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** `|@<rate>` only when a rate is set and is not 1 (§1d.1); Kong never samples, it only annotates. */
function rateSuffix(sampleRate: number | null): string {
  return sampleRate !== null && sampleRate !== 1 ? `|@${formatLuaNumber(sampleRate)}` : "";
}

const dotsToUnderscores = (s: string) => s.replaceAll(".", "_");

function consumerIdentifier(e: IngestEvent, by: ConsumerIdentifier): string | null {
  if (by === "consumer_id") return e.consumerId;
  if (by === "custom_id") return e.consumerCustomId;
  return e.consumerUsername;
}

function serviceIdentifier(e: IngestEvent, by: ServiceIdentifier): string | null {
  if (e.serviceId === null) return null;
  if (by === "service_id") return e.serviceId;
  if (by === "service_name") return e.serviceName;
  if (by === "service_host") return e.serviceHost;
  return e.serviceName ?? e.serviceHost;
}

function workspaceIdentifier(e: IngestEvent, by: WorkspaceIdentifier): string | null {
  return by === "workspace_id" ? e.workspaceId : e.workspaceName;
}

/**
 * The scope of a stat name without tags (§1d.2): `service.<id with . → _>` (or `service.unnamed`),
 * `api.<name with . → _>` for legacy API traffic, else `global.unmatched` (§1d.3).
 */
export function statScope(e: IngestEvent, by: ServiceIdentifier): string {
  if (e.serviceId !== null) {
    const id = serviceIdentifier(e, by);
    return id === null ? "service.unnamed" : `service.${dotsToUnderscores(id)}`;
  }
  if (e.apiId !== null || e.apiName !== null) {
    return e.apiName === null ? "api.unnamed" : `api.${dotsToUnderscores(e.apiName)}`;
  }
  return "global.unmatched";
}

/**
 * `allow_status_codes` (§1d.2): each range is read with Kong's unanchored `(\d\d\d)-(\d\d\d)`, so
 * `2000-3000` means 000–300. A range the regex does not match makes Kong's log handler raise (it indexes
 * the nil match), so such a request is not sent at all; ranges before it still apply. null = everything.
 */
export function compileStatusFilter(ranges: readonly string[] | null): (status: number) => boolean {
  if (ranges === null) return () => true;
  const parsed = ranges.map((range) => {
    const m = /(\d\d\d)-(\d\d\d)/.exec(range);
    return m ? ([Number(m[1]), Number(m[2])] as const) : null;
  });
  return (status) => {
    for (const range of parsed) {
      if (range === null) return false;
      if (status >= range[0] && status <= range[1]) return true;
    }
    return false;
  };
}

type TagPair = readonly [string, string];

/**
 * Tag sections (§1d.4). Kong iterates a Lua hash, so its tag order is undefined; ours is fixed:
 * service, route, workspace, consumer, node, status (and node, shdict for shdict_usage).
 */
function withTags(
  style: NonNullable<StatsdConfig["tag_style"]>,
  name: string,
  valueAndType: string,
  tags: readonly TagPair[],
): string {
  if (style === "dogstatsd") {
    return `${name}:${valueAndType}|#${tags.map(([k, v]) => `${k}:${v}`).join(",")}`;
  }
  const kv = tags.map(([k, v]) => `${k}=${v}`).join(",");
  if (style === "influxdb") return `${name},${kv}:${valueAndType}`;
  if (style === "librato") return `${name}#${kv}:${valueAndType}`;
  return `${name}[${kv}]:${valueAndType}`;
}

/** The six metrics whose line uses the configured stat_type and a per-request value (§1d.2). */
const GENERIC: Partial<
  Record<StatsdMetric["name"], { stat: string; value: (e: IngestEvent) => number | null }>
> = {
  request_count: { stat: "request.count", value: () => 1 },
  request_size: { stat: "request.size", value: (e) => e.requestSize },
  response_size: { stat: "response.size", value: (e) => e.responseSize },
  latency: { stat: "latency", value: (e) => e.latRequest },
  upstream_latency: { stat: "upstream_latency", value: (e) => e.latProxy },
  kong_latency: { stat: "kong_latency", value: (e) => e.latKong },
};

/** Metrics Kong skips in tag mode (§1d.4). */
const SCOPED_ONLY = new Set<StatsdMetric["name"]>([
  "status_count",
  "unique_users",
  "request_per_user",
  "status_count_per_user",
  "status_count_per_workspace",
  "status_count_per_user_per_route",
]);

export type ShdictUsage = Record<string, { capacity: number; freeSpace: number }>;

/**
 * Formats one request into the lines Kong sends for it, in the order of the `metrics` list. `shdict` is
 * passed only for the request that carries the node's once-a-minute shared-dict gauges. `count` says how
 * many lines `format` would write without building them (for the drop counters of unsent entries).
 */
export type StatsdFormatter = {
  format(event: IngestEvent, hostname: string, shdict?: ShdictUsage | null): string[];
  count(event: IngestEvent, shdict?: ShdictUsage | null): number;
};

type MetricWriter = (
  e: IngestEvent,
  node: string,
  prefix: string,
  out: string[],
  shdict: ShdictUsage | null,
) => void;
type MetricCounter = (e: IngestEvent, shdict: ShdictUsage | null) => number;

export function compileStatsdFormatter(config: StatsdConfig): StatsdFormatter {
  const tagStyle = config.tag_style;
  const writers: MetricWriter[] = [];
  const counters: MetricCounter[] = [];
  for (const metric of config.metrics) {
    const writer = tagStyle ? compileTagged(config, metric, tagStyle) : compilePlain(config, metric);
    if (!writer) continue;
    writers.push(writer);
    counters.push(compileCounter(config, metric));
  }
  // hostname_in_prefix applies only without tag_style (§1d.1, §1d.4).
  const hostPrefix = config.hostname_in_prefix && !tagStyle;
  const prefixCache = new Map<string, string>();
  return {
    format(event, hostname, shdict = null) {
      const node = dotsToUnderscores(hostname);
      let prefix = config.prefix;
      if (hostPrefix) {
        let cached = prefixCache.get(node);
        if (cached === undefined) {
          cached = `${config.prefix}.node.${node}`;
          prefixCache.set(node, cached);
        }
        prefix = cached;
      }
      const out: string[] = [];
      for (const write of writers) write(event, node, prefix, out, shdict);
      return out;
    },
    count(event, shdict = null) {
      let n = 0;
      for (const count of counters) n += count(event, shdict);
      return n;
    },
  };
}

/** How many lines a metric's writer emits: the writers' conditions, without the strings. */
function compileCounter(config: StatsdConfig, metric: StatsdMetric): MetricCounter {
  const byConsumer = metric.consumer_identifier ?? config.consumer_identifier_default;
  const byWorkspace = metric.workspace_identifier ?? config.workspace_identifier_default;
  const generic = GENERIC[metric.name];
  if (generic) {
    return (e) => {
      const value = generic.value(e);
      return value === null || value === -1 ? 0 : 1;
    };
  }
  switch (metric.name) {
    case "status_count":
      return () => 1;
    case "unique_users":
    case "request_per_user":
    case "status_count_per_user":
      return (e) => (consumerIdentifier(e, byConsumer) === null ? 0 : 1);
    case "status_count_per_workspace":
      return (e) => (workspaceIdentifier(e, byWorkspace) === null ? 0 : 1);
    case "status_count_per_user_per_route":
      return (e) => (consumerIdentifier(e, byConsumer) === null || e.routeId === null ? 0 : 1);
    case "shdict_usage":
      return (_e, shdict) => (shdict ? 2 * Object.keys(shdict).length : 0);
    default:
      return () => 0;
  }
}

function compilePlain(config: StatsdConfig, metric: StatsdMetric): MetricWriter | null {
  const rate = rateSuffix(metric.sample_rate);
  const byService = metric.service_identifier ?? config.service_identifier_default;
  const byConsumer = metric.consumer_identifier ?? config.consumer_identifier_default;
  const byWorkspace = metric.workspace_identifier ?? config.workspace_identifier_default;
  const generic = GENERIC[metric.name];
  if (generic) {
    const tail = `|${TYPE_SUFFIX[metric.stat_type]}${rate}`;
    const stat = `.${generic.stat}:`;
    return (e, _node, prefix, out) => {
      const value = generic.value(e);
      // Kong skips nil and -1 (upstream_latency when the upstream was never called).
      if (value === null || value === -1) return;
      out.push(`${prefix}.${statScope(e, byService)}${stat}${formatLuaNumber(value)}${tail}`);
    };
  }
  // The status, per-user and unique metrics always use c or s, whatever stat_type says (§1d.2).
  const counter = `:1|c${rate}`;
  switch (metric.name) {
    case "status_count":
      return (e, _node, prefix, out) => {
        out.push(`${prefix}.${statScope(e, byService)}.status.${e.status}${counter}`);
      };
    case "unique_users":
      return (e, _node, prefix, out) => {
        const consumer = consumerIdentifier(e, byConsumer);
        // Kong passes no sample_rate for the set line.
        if (consumer !== null) out.push(`${prefix}.${statScope(e, byService)}.user.uniques:${consumer}|s`);
      };
    case "request_per_user":
      return (e, _node, prefix, out) => {
        const consumer = consumerIdentifier(e, byConsumer);
        if (consumer !== null)
          out.push(`${prefix}.${statScope(e, byService)}.user.${consumer}.request.count${counter}`);
      };
    case "status_count_per_user":
      return (e, _node, prefix, out) => {
        const consumer = consumerIdentifier(e, byConsumer);
        if (consumer !== null)
          out.push(`${prefix}.${statScope(e, byService)}.user.${consumer}.status.${e.status}${counter}`);
      };
    case "status_count_per_workspace":
      return (e, _node, prefix, out) => {
        const ws = workspaceIdentifier(e, byWorkspace);
        if (ws !== null)
          out.push(`${prefix}.${statScope(e, byService)}.workspace.${ws}.status.${e.status}${counter}`);
      };
    case "status_count_per_user_per_route":
      return (e, _node, prefix, out) => {
        const consumer = consumerIdentifier(e, byConsumer);
        // No service scope: `route.<id>` directly after the prefix (§1d.2).
        if (consumer !== null && e.routeId !== null)
          out.push(`${prefix}.route.${e.routeId}.user.${consumer}.status.${e.status}${counter}`);
      };
    case "shdict_usage": {
      const tail = `|g${rate}`;
      return (_e, node, _prefix, out, shdict) => {
        if (!shdict) return;
        // With or without hostname_in_prefix the final name is the same: <prefix>.node.<host>.shdict.<dict>.…
        for (const [dict, usage] of Object.entries(shdict)) {
          const base = `${config.prefix}.node.${node}.shdict.${dict}`;
          out.push(`${base}.free_space:${formatLuaNumber(usage.freeSpace)}${tail}`);
          out.push(`${base}.capacity:${formatLuaNumber(usage.capacity)}${tail}`);
        }
      };
    }
    default:
      return null;
  }
}

function compileTagged(
  config: StatsdConfig,
  metric: StatsdMetric,
  style: NonNullable<StatsdConfig["tag_style"]>,
): MetricWriter | null {
  if (SCOPED_ONLY.has(metric.name)) return null;
  const rate = rateSuffix(metric.sample_rate);
  if (metric.name === "shdict_usage") {
    const tail = `|g${rate}`;
    return (_e, node, prefix, out, shdict) => {
      if (!shdict) return;
      for (const [dict, usage] of Object.entries(shdict)) {
        const tags: TagPair[] = [
          ["node", node],
          ["shdict", dict],
        ];
        out.push(
          withTags(style, `${prefix}.shdict.free_space`, `${formatLuaNumber(usage.freeSpace)}${tail}`, tags),
        );
        out.push(
          withTags(style, `${prefix}.shdict.capacity`, `${formatLuaNumber(usage.capacity)}${tail}`, tags),
        );
      }
    };
  }
  const generic = GENERIC[metric.name];
  if (!generic) return null;
  const tail = `|${TYPE_SUFFIX[metric.stat_type]}${rate}`;
  const byService = metric.service_identifier ?? config.service_identifier_default;
  const byConsumer = metric.consumer_identifier ?? config.consumer_identifier_default;
  const byWorkspace = metric.workspace_identifier ?? config.workspace_identifier_default;
  return (e, node, prefix, out) => {
    const value = generic.value(e);
    if (value === null || value === -1) return;
    const name = `${prefix}.${generic.stat}`;
    const valueAndType = `${formatLuaNumber(value)}${tail}`;
    const service = serviceIdentifier(e, byService);
    // Without a service identifier Kong drops the whole tag table: the line has no tag section (§1d.4).
    if (service === null) {
      out.push(`${name}:${valueAndType}`);
      return;
    }
    const tags: TagPair[] = [["service", service]];
    if (e.routeId !== null) tags.push(["route", e.routeName ?? e.routeId]);
    const ws = workspaceIdentifier(e, byWorkspace);
    if (ws !== null) {
      tags.push(["workspace", ws]);
      // Kong adds the consumer tag only when a workspace identifier exists (log.lua get_tags).
      const consumer = consumerIdentifier(e, byConsumer);
      if (consumer !== null) tags.push(["consumer", consumer]);
    }
    tags.push(["node", node]);
    tags.push(["status", String(e.status)]);
    out.push(withTags(style, name, valueAndType, tags));
  };
}
