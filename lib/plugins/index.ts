import { z } from "zod";
import { type KongFieldErrors, kongFieldIssues } from "./kong-errors";
import { type KongField, type KongRecordField, validateKongField } from "./kong-schema";
import { type PrometheusConfig, prometheusConfigField, prometheusConfigSchema } from "./prometheus";
import { type StatsdConfig, statsdConfigField, statsdConfigSchema } from "./statsd";

export * from "./kong-errors";
export * from "./prometheus";
export * from "./statsd";

export const PLUGIN_SCOPES = ["global", "service", "route", "consumer", "api"] as const;
export type PluginScope = (typeof PLUGIN_SCOPES)[number];

/** Every protocol a plugin may be limited to (kong-plugins §1c.1, in Kong's error order). */
export const PLUGIN_PROTOCOLS = [
  "grpc",
  "grpcs",
  "http",
  "https",
  "tcp",
  "tls",
  "tls_passthrough",
  "udp",
] as const;
export type PluginProtocol = (typeof PLUGIN_PROTOCOLS)[number];
export const DEFAULT_PLUGIN_PROTOCOLS: PluginProtocol[] = ["grpc", "grpcs", "http", "https"];

export const PLUGIN_DEFINITIONS = {
  prometheus: {
    name: "prometheus",
    description: "Expose metrics of the traffic it covers in the Prometheus exposition format.",
    configField: prometheusConfigField,
    configSchema: prometheusConfigSchema,
    defaults: () => prometheusConfigSchema.parse({}),
    scopes: PLUGIN_SCOPES,
    priority: 13,
  },
  statsd: {
    name: "statsd",
    description: "Send metrics of the traffic it covers to a StatsD server.",
    configField: statsdConfigField,
    configSchema: statsdConfigSchema,
    defaults: () => statsdConfigSchema.parse({}),
    scopes: PLUGIN_SCOPES,
    priority: 11,
  },
} as const;

export type PluginName = keyof typeof PLUGIN_DEFINITIONS;
export const PLUGIN_NAMES = Object.keys(PLUGIN_DEFINITIONS).sort() as PluginName[];
export type PluginConfigByName = { prometheus: PrometheusConfig; statsd: StatsdConfig };

export function isPluginName(name: unknown): name is PluginName {
  return typeof name === "string" && Object.hasOwn(PLUGIN_DEFINITIONS, name);
}

export const pluginNotEnabledMessage = (name: string) =>
  `plugin '${name}' not enabled; add it to the 'plugins' configuration property`;

const foreign = (reference: string): KongRecordField => ({
  type: "record",
  reference,
  fields: [["id", { type: "string", uuid: true, required: true }]],
});

/** kong/db/schema/typedefs.lua utf8_name / tags messages. */
const instanceNameError = (v: string) =>
  /^[\p{L}\p{N}._~-]+$/u.test(v)
    ? null
    : `invalid value '${v}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`;
const tagError = (v: string) =>
  [...v].every((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f && ch !== "," && ch !== "/")
    ? null
    : `invalid tag '${v}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`;

/** Kong's plugin entity (kong/db/schema/entities/plugins.lua @ 3.9.3) plus the legacy `api` scope. */
export function pluginEntityFields(config: KongField): readonly (readonly [string, KongField])[] {
  return [
    ["id", { type: "string", uuid: true }],
    ["name", { type: "string", required: true }],
    ["instance_name", { type: "string", custom: instanceNameError }],
    ["created_at", { type: "integer", auto: true }],
    ["updated_at", { type: "integer", auto: true }],
    ["route", foreign("routes")],
    ["service", foreign("services")],
    ["consumer", foreign("consumers")],
    ["api", foreign("apis")],
    ["config", config],
    [
      "protocols",
      {
        type: "set",
        required: true,
        default: DEFAULT_PLUGIN_PROTOCOLS,
        elements: { type: "string", one_of: PLUGIN_PROTOCOLS },
      },
    ],
    ["enabled", { type: "boolean", default: true, required: true }],
    ["tags", { type: "set", elements: { type: "string", custom: tagError } }],
  ];
}

type Ref = { id: string } | null;
type PluginInputBase = {
  id: string | null;
  instance_name: string | null;
  service: Ref;
  route: Ref;
  consumer: Ref;
  api: Ref;
  protocols: PluginProtocol[];
  enabled: boolean;
  tags: string[] | null;
};
/** A validated plugin entity as Kong would store it (every default filled in). */
export type PluginInput =
  | (PluginInputBase & { name: "prometheus"; config: PrometheusConfig })
  | (PluginInputBase & { name: "statsd"; config: StatsdConfig });

const ANY_CONFIG: KongRecordField = { type: "record", fields: [] };

/**
 * Validates a plugin entity body (Kong's JSON shape: `service: {"id": …}`) and fills every default. On
 * failure `errors` is Kong's `fields` tree. The config is checked against the named plugin's schema; an
 * unknown name is Kong's "not enabled" error.
 */
export function validatePluginInput(
  input: unknown,
): { value: PluginInput; errors: null } | { value: null; errors: KongFieldErrors } {
  const rawName = (input as { name?: unknown } | null)?.name;
  const known = isPluginName(rawName);
  const configField = known ? PLUGIN_DEFINITIONS[rawName].configField : ANY_CONFIG;
  const record: KongRecordField = { type: "record", fields: pluginEntityFields(configField) };
  const r = validateKongField(record, input);
  const errors = (r.errors ?? {}) as KongFieldErrors;
  if (typeof r.errors === "string") return { value: null, errors: { "@entity": [r.errors] } };
  if (!known) {
    if (typeof rawName === "string" && rawName !== "") errors.name = pluginNotEnabledMessage(rawName);
    // Without a known plugin there is no config schema to report against.
    delete errors.config;
  }
  if (Object.keys(errors).length) return { value: null, errors };
  return { value: r.value as PluginInput, errors: null };
}

/** The plugin entity input, shared by the Admin API, tRPC and the plugin form (STYLE habit 9). */
export const pluginInputSchema = z.unknown().transform((input, ctx) => {
  const r = validatePluginInput(input);
  if (r.errors) {
    for (const issue of kongFieldIssues(r.errors))
      ctx.issues.push({ code: "custom", message: issue.message, input, path: issue.path });
    return z.NEVER;
  }
  return r.value;
}) as unknown as z.ZodType<PluginInput, unknown>;
