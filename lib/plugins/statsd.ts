import type { z } from "zod";
import { type KongField, type KongRecordField, kongZod } from "./kong-schema";

/** Kong 3.9 statsd schema (kong-plugins §1c.1); enum orders are the orders Kong prints in its errors. */
export const STATSD_METRIC_NAMES = [
  "kong_latency",
  "latency",
  "request_count",
  "request_per_user",
  "request_size",
  "response_size",
  "status_count",
  "status_count_per_user",
  "unique_users",
  "upstream_latency",
  "status_count_per_workspace",
  "status_count_per_user_per_route",
  "shdict_usage",
] as const;
export type StatsdMetricName = (typeof STATSD_METRIC_NAMES)[number];

export const STATSD_STAT_TYPES = ["counter", "gauge", "histogram", "meter", "set", "timer"] as const;
export type StatsdStatType = (typeof STATSD_STAT_TYPES)[number];

export const CONSUMER_IDENTIFIERS = ["consumer_id", "custom_id", "username"] as const;
export type ConsumerIdentifier = (typeof CONSUMER_IDENTIFIERS)[number];
export const SERVICE_IDENTIFIERS = [
  "service_id",
  "service_name",
  "service_host",
  "service_name_or_host",
] as const;
export type ServiceIdentifier = (typeof SERVICE_IDENTIFIERS)[number];
export const WORKSPACE_IDENTIFIERS = ["workspace_id", "workspace_name"] as const;
export type WorkspaceIdentifier = (typeof WORKSPACE_IDENTIFIERS)[number];
export const TAG_STYLES = ["dogstatsd", "influxdb", "librato", "signalfx"] as const;
export type TagStyle = (typeof TAG_STYLES)[number];

/** Stat types for which Kong requires a sample_rate (the metric record's conditional entity check). */
export const STATSD_SAMPLED_STAT_TYPES = ["counter", "gauge"] as const;

export type StatsdMetric = {
  name: StatsdMetricName;
  stat_type: StatsdStatType;
  sample_rate: number | null;
  consumer_identifier: ConsumerIdentifier | null;
  service_identifier: ServiceIdentifier | null;
  workspace_identifier: WorkspaceIdentifier | null;
};

export type StatsdQueue = {
  max_batch_size: number;
  max_coalescing_delay: number;
  max_entries: number;
  max_bytes: number | null;
  max_retry_time: number;
  initial_retry_delay: number;
  max_retry_delay: number;
  concurrency_limit: -1 | 1;
};

export type StatsdConfig = {
  host: string;
  port: number;
  prefix: string;
  metrics: StatsdMetric[];
  allow_status_codes: string[] | null;
  udp_packet_size: number;
  use_tcp: boolean;
  hostname_in_prefix: boolean;
  consumer_identifier_default: ConsumerIdentifier;
  service_identifier_default: ServiceIdentifier;
  workspace_identifier_default: WorkspaceIdentifier;
  retry_count: number | null;
  queue_size: number | null;
  flush_timeout: number | null;
  tag_style: TagStyle | null;
  queue: StatsdQueue;
};

const metric = (
  name: StatsdMetricName,
  stat_type: StatsdStatType,
  sample_rate: number | null,
): StatsdMetric => ({
  name,
  stat_type,
  sample_rate,
  consumer_identifier: null,
  service_identifier: null,
  workspace_identifier: null,
});

/** Kong 3.1+ DEFAULT_METRICS, in order (kong-plugins §1c.1); no entry sets an identifier. */
export const STATSD_DEFAULT_METRICS: readonly StatsdMetric[] = [
  metric("request_count", "counter", 1),
  metric("latency", "timer", null),
  metric("request_size", "counter", 1),
  metric("status_count", "counter", 1),
  metric("response_size", "counter", 1),
  metric("unique_users", "set", null),
  metric("request_per_user", "counter", 1),
  metric("upstream_latency", "timer", null),
  metric("kong_latency", "timer", null),
  metric("status_count_per_user", "counter", 1),
  metric("status_count_per_workspace", "counter", 1),
  metric("status_count_per_user_per_route", "counter", 1),
  metric("shdict_usage", "gauge", 1),
];

/**
 * Kong's host typedef validator (kong/tools/ip normalize_ip): a hostname or an IP, never with a port.
 * Returns Kong's message or null.
 */
export function validateHost(host: string): string | null {
  let name = host;
  let port: string | null = null;
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(host);
  if (bracketed) {
    name = bracketed[1];
    port = bracketed[2] ?? null;
  } else if ((host.match(/:/g) ?? []).length === 1) {
    const i = host.indexOf(":");
    name = host.slice(0, i);
    port = host.slice(i + 1);
    if (!/^\d+$/.test(port)) return `invalid value: ${host}`;
  } else if (host.includes(":")) {
    // A bare IPv6 address.
    return /^[0-9a-fA-F:.]+$/.test(host) ? null : `invalid value: ${host}`;
  }
  if (!bracketed && !/^[A-Za-z0-9._-]+$/.test(name)) return `invalid value: ${host}`;
  if (port !== null) {
    const p = Number(port);
    if (!Number.isInteger(p) || p < 0 || p > 65535) return `invalid value: ${host}`;
    return "must not have a port";
  }
  return null;
}

const identifierField = (values: readonly string[], description: string): KongField => ({
  type: "string",
  one_of: values,
  description,
});

const metricRecord: KongRecordField = {
  type: "record",
  fields: [
    [
      "name",
      { type: "string", required: true, one_of: STATSD_METRIC_NAMES, description: "StatsD metric’s name." },
    ],
    [
      "stat_type",
      {
        type: "string",
        required: true,
        one_of: STATSD_STAT_TYPES,
        description: "Determines what sort of event a metric represents.",
      },
    ],
    ["sample_rate", { type: "number", gt: 0, description: "Sampling rate" }],
    ["consumer_identifier", identifierField(CONSUMER_IDENTIFIERS, "Authenticated user detail.")],
    ["service_identifier", identifierField(SERVICE_IDENTIFIERS, "Service detail.")],
    ["workspace_identifier", identifierField(WORKSPACE_IDENTIFIERS, "Workspace detail.")],
  ],
  entity_checks: [
    {
      conditional: {
        if_field: "stat_type",
        if_match: { one_of: STATSD_SAMPLED_STAT_TYPES },
        then_field: "sample_rate",
        then_match: { required: true },
      },
    },
  ],
};

/** Kong's queue typedef (kong/tools/queue_schema.lua @ 3.9.3). */
export const queueRecord: KongRecordField = {
  type: "record",
  required: true,
  fields: [
    ["max_batch_size", { type: "integer", default: 1, between: [1, 1_000_000], required: true }],
    ["max_coalescing_delay", { type: "number", default: 1, between: [0, 3600], required: true }],
    ["max_entries", { type: "integer", default: 10_000, between: [1, 1_000_000], required: true }],
    ["max_bytes", { type: "integer" }],
    ["max_retry_time", { type: "number", default: 60 }],
    ["initial_retry_delay", { type: "number", default: 0.01, between: [0.001, 1_000_000] }],
    ["max_retry_delay", { type: "number", default: 60, between: [0.001, 1_000_000] }],
    ["concurrency_limit", { type: "integer", default: 1, one_of: [-1, 1] }],
  ],
};

export const statsdConfigField: KongRecordField = {
  type: "record",
  required: true,
  fields: [
    [
      "host",
      {
        type: "string",
        default: "localhost",
        required: true,
        custom: validateHost,
        description: "The IP address or hostname of StatsD server to send data to.",
      },
    ],
    [
      "port",
      {
        type: "integer",
        default: 8125,
        required: true,
        between: [0, 65535],
        description: "The port of StatsD server to send data to.",
      },
    ],
    [
      "prefix",
      {
        type: "string",
        default: "kong",
        required: true,
        description: "String to prefix to each metric's name.",
      },
    ],
    [
      "metrics",
      {
        type: "array",
        default: STATSD_DEFAULT_METRICS,
        required: true,
        elements: metricRecord,
        description: "List of metrics to be logged.",
      },
    ],
    [
      "allow_status_codes",
      {
        type: "array",
        elements: { type: "string", match: { lua: "^[0-9]+-[0-9]+$", re: /^[0-9]+-[0-9]+$/ } },
        description: "List of status code ranges that are allowed to be logged in metrics.",
      },
    ],
    [
      "udp_packet_size",
      {
        type: "number",
        default: 0,
        required: true,
        between: [0, 65507],
        description:
          "Combine UDP packet up to the size configured. If zero (0), don't combine the UDP packet. Must be a number between 0 and 65507 (inclusive).",
      },
    ],
    ["use_tcp", { type: "boolean", default: false, required: true, description: "Use TCP instead of UDP." }],
    [
      "hostname_in_prefix",
      {
        type: "boolean",
        default: false,
        required: true,
        description: "Include the `hostname` in the `prefix` for each metric name.",
      },
    ],
    [
      "consumer_identifier_default",
      { type: "string", default: "custom_id", required: true, one_of: CONSUMER_IDENTIFIERS },
    ],
    [
      "service_identifier_default",
      { type: "string", default: "service_name_or_host", required: true, one_of: SERVICE_IDENTIFIERS },
    ],
    [
      "workspace_identifier_default",
      { type: "string", default: "workspace_id", required: true, one_of: WORKSPACE_IDENTIFIERS },
    ],
    [
      "retry_count",
      {
        type: "integer",
        description:
          "Number of times to retry when sending data to the upstream server. Deprecated: use config.queue.max_retry_time instead.",
      },
    ],
    [
      "queue_size",
      {
        type: "integer",
        description:
          "Maximum number of log entries to be sent on each message to the upstream server. Deprecated: use config.queue.max_batch_size instead.",
      },
    ],
    [
      "flush_timeout",
      {
        type: "number",
        description:
          "Optional time in seconds. If `queue_size` > 1, this is the max idle time before sending a log with less than `queue_size` records. Deprecated: use config.queue.max_coalescing_delay instead.",
      },
    ],
    [
      "tag_style",
      {
        type: "string",
        one_of: TAG_STYLES,
        description: "The tag style configurations to send metrics with tags.",
      },
    ],
    ["queue", queueRecord],
  ],
};

/** Statsd `config`: Kong's validation and defaults (every absent optional field comes back `null`). */
export const statsdConfigSchema = kongZod<StatsdConfig, unknown>(statsdConfigField);
export type StatsdConfigInput = z.input<typeof statsdConfigSchema>;

/** The config Kong stores for `--data "name=statsd"`: every default filled in. */
export function defaultStatsdConfig(): StatsdConfig {
  return statsdConfigSchema.parse({});
}
