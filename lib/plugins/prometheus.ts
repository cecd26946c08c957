import type { z } from "zod";
import { type KongRecordField, kongZod } from "./kong-schema";

/** Kong 3.9 prometheus schema (kong-plugins §1b.1): every flag is a boolean, default false. */
export type PrometheusConfig = {
  per_consumer: boolean;
  status_code_metrics: boolean;
  latency_metrics: boolean;
  bandwidth_metrics: boolean;
  upstream_health_metrics: boolean;
  ai_metrics: boolean;
};

export const PROMETHEUS_FLAGS = [
  "per_consumer",
  "status_code_metrics",
  "latency_metrics",
  "bandwidth_metrics",
  "upstream_health_metrics",
  "ai_metrics",
] as const satisfies readonly (keyof PrometheusConfig)[];

const DESCRIPTIONS: Record<keyof PrometheusConfig, string> = {
  per_consumer:
    "A boolean value that determines if per-consumer metrics should be collected. If enabled, the `kong_http_requests_total` and `kong_bandwidth_bytes` metrics fill in the consumer label when available.",
  status_code_metrics:
    "A boolean value that determines if status code metrics should be collected. If enabled, `http_requests_total`, `stream_sessions_total` metrics will be exported.",
  latency_metrics:
    "A boolean value that determines if latency metrics should be collected. If enabled, `kong_latency_ms`, `upstream_latency_ms` and `request_latency_ms` metrics will be exported.",
  bandwidth_metrics:
    "A boolean value that determines if bandwidth metrics should be collected. If enabled, `bandwidth_bytes` and `stream_sessions_total` metrics will be exported.",
  upstream_health_metrics:
    "A boolean value that determines if upstream metrics should be collected. If enabled, `upstream_target_health` metric will be exported.",
  ai_metrics:
    "A boolean value that determines if ai metrics should be collected. If enabled, the `ai_llm_requests_total`, `ai_llm_cost_total` and `ai_llm_tokens_total` metrics will be exported.",
};

export const prometheusConfigField: KongRecordField = {
  type: "record",
  required: true,
  fields: PROMETHEUS_FLAGS.map(
    (name) =>
      [name, { type: "boolean", default: false, required: true, description: DESCRIPTIONS[name] }] as const,
  ),
};

export const prometheusConfigSchema = kongZod<PrometheusConfig, unknown>(prometheusConfigField);
export type PrometheusConfigInput = z.input<typeof prometheusConfigSchema>;

export function defaultPrometheusConfig(): PrometheusConfig {
  return prometheusConfigSchema.parse({});
}
