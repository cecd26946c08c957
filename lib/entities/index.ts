import type { z } from "zod";
import type { KongField, KongRecordField } from "@/lib/plugins/kong-schema";
import { kongZod } from "@/lib/plugins/kong-schema";
import { validateHost } from "@/lib/plugins/statsd";

/**
 * Gateway entity schemas in Kong's DSL (kong/db/schema/entities/*.lua @ 3.9.3; `apis` from the 0.14 DAO),
 * shared by the Admin API, tRPC and the entity forms. Validation errors come out in Kong's `fields` shape.
 */
export const ENTITY_KINDS = ["services", "routes", "consumers", "apis"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const SERVICE_PROTOCOLS = [
  "grpc",
  "grpcs",
  "http",
  "https",
  "tcp",
  "tls",
  "tls_passthrough",
  "udp",
  "ws",
  "wss",
] as const;
export const ROUTE_PROTOCOLS = SERVICE_PROTOCOLS;
export const HTTP_METHODS_RE = /^[A-Z]+$/;
export const REDIRECT_CODES = [426, 301, 302, 307, 308] as const;

const nameError = (v: string) =>
  /^[\p{L}\p{N}._~-]+$/u.test(v)
    ? null
    : `invalid value '${v}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`;
const tagError = (v: string) =>
  [...v].every((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f && ch !== "," && ch !== "/")
    ? null
    : `invalid tag '${v}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`;
const pathError = (v: string) => (v.startsWith("/") ? null : "should start with: /");
const routePathError = (v: string) =>
  v.startsWith("/") || v.startsWith("~") ? null : "should start with: / (fixed path) or ~/ (regex path)";

const idField: KongField = { type: "string", uuid: true };
const auto: KongField = { type: "integer", auto: true };
const tagsField: KongField = { type: "set", elements: { type: "string", custom: tagError } };
const timeout = (d = 60000): KongField => ({
  type: "integer",
  default: d,
  required: true,
  between: [1, 2147483646],
});

export const serviceRecord: KongRecordField = {
  type: "record",
  fields: [
    ["id", idField],
    ["created_at", auto],
    ["updated_at", auto],
    ["name", { type: "string", custom: nameError }],
    ["retries", { type: "integer", default: 5, required: true, between: [0, 32767] }],
    ["protocol", { type: "string", default: "http", required: true, one_of: SERVICE_PROTOCOLS }],
    ["host", { type: "string", required: true, custom: validateHost }],
    ["port", { type: "integer", default: 80, required: true, between: [0, 65535] }],
    ["path", { type: "string", custom: pathError }],
    ["connect_timeout", timeout()],
    ["write_timeout", timeout()],
    ["read_timeout", timeout()],
    ["tags", tagsField],
    ["enabled", { type: "boolean", default: true, required: true }],
  ],
};

export const routeRecord: KongRecordField = {
  type: "record",
  fields: [
    ["id", idField],
    ["created_at", auto],
    ["updated_at", auto],
    ["name", { type: "string", custom: nameError }],
    [
      "protocols",
      {
        type: "set",
        default: ["http", "https"],
        required: true,
        elements: { type: "string", one_of: ROUTE_PROTOCOLS },
      },
    ],
    ["methods", { type: "set", elements: { type: "string", match: { lua: "^%u+$", re: HTTP_METHODS_RE } } }],
    ["hosts", { type: "array", elements: { type: "string" } }],
    ["paths", { type: "array", elements: { type: "string", custom: routePathError } }],
    ["https_redirect_status_code", { type: "integer", default: 426, required: true, one_of: REDIRECT_CODES }],
    ["regex_priority", { type: "integer", default: 0, required: true }],
    ["strip_path", { type: "boolean", default: true, required: true }],
    ["preserve_host", { type: "boolean", default: false, required: true }],
    ["tags", tagsField],
    [
      "service",
      {
        type: "record",
        reference: "services",
        fields: [["id", { type: "string", uuid: true, required: true }]],
      },
    ],
  ],
};

export const consumerRecord: KongRecordField = {
  type: "record",
  fields: [
    ["id", idField],
    ["created_at", auto],
    ["updated_at", auto],
    ["username", { type: "string" }],
    ["custom_id", { type: "string" }],
    ["tags", tagsField],
  ],
  entity_checks: [{ at_least_one_of: ["custom_id", "username"] }],
};

/** The legacy API entity (Kong 0.14 `kong/dao/schemas/apis.lua`). */
export const apiRecord: KongRecordField = {
  type: "record",
  fields: [
    ["id", idField],
    ["created_at", auto],
    ["name", { type: "string", required: true }],
    [
      "upstream_url",
      {
        type: "string",
        required: true,
        custom: (v) => (/^https?:\/\/[^\s/]+/.test(v) ? null : `invalid value: ${v}`),
      },
    ],
    ["hosts", { type: "array", elements: { type: "string" } }],
    ["uris", { type: "array", elements: { type: "string", custom: pathError } }],
    ["methods", { type: "array", elements: { type: "string" } }],
    ["strip_uri", { type: "boolean", default: true, required: true }],
    ["preserve_host", { type: "boolean", default: false, required: true }],
    ["retries", { type: "integer", default: 5, required: true, between: [0, 32767] }],
    ["https_only", { type: "boolean", default: false, required: true }],
    ["http_if_terminated", { type: "boolean", default: false, required: true }],
    ["upstream_connect_timeout", timeout()],
    ["upstream_send_timeout", timeout()],
    ["upstream_read_timeout", timeout()],
  ],
};

export const ENTITY_RECORDS: Record<EntityKind, KongRecordField> = {
  services: serviceRecord,
  routes: routeRecord,
  consumers: consumerRecord,
  apis: apiRecord,
};

type Ref = { id: string } | null;
export type ServiceInput = {
  id: string | null;
  name: string | null;
  retries: number;
  protocol: (typeof SERVICE_PROTOCOLS)[number];
  host: string;
  port: number;
  path: string | null;
  connect_timeout: number;
  write_timeout: number;
  read_timeout: number;
  tags: string[] | null;
  enabled: boolean;
};
export type RouteInput = {
  id: string | null;
  name: string | null;
  protocols: string[];
  methods: string[] | null;
  hosts: string[] | null;
  paths: string[] | null;
  https_redirect_status_code: number;
  regex_priority: number;
  strip_path: boolean;
  preserve_host: boolean;
  tags: string[] | null;
  service: Ref;
};
export type ConsumerInput = {
  id: string | null;
  username: string | null;
  custom_id: string | null;
  tags: string[] | null;
};
export type ApiInput = {
  id: string | null;
  name: string;
  upstream_url: string;
  hosts: string[] | null;
  uris: string[] | null;
  methods: string[] | null;
  strip_uri: boolean;
  preserve_host: boolean;
  retries: number;
  https_only: boolean;
  http_if_terminated: boolean;
  upstream_connect_timeout: number;
  upstream_send_timeout: number;
  upstream_read_timeout: number;
};
export type EntityInputByKind = {
  services: ServiceInput;
  routes: RouteInput;
  consumers: ConsumerInput;
  apis: ApiInput;
};

export const serviceInputSchema = kongZod<ServiceInput>(serviceRecord);
export const routeInputSchema = kongZod<RouteInput>(routeRecord);
export const consumerInputSchema = kongZod<ConsumerInput>(consumerRecord);
export const apiInputSchema = kongZod<ApiInput>(apiRecord);
export type ServiceFormInput = z.input<typeof serviceInputSchema>;

/**
 * Kong's `url` shorthand for services (`url=http://host:port/path`), expanded into protocol/host/port/path.
 * Returns null when it cannot be parsed (Kong then reports `url: missing host in url`).
 */
export function expandServiceUrl(
  url: string,
): { protocol: string; host: string; port: number; path: string | null } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const protocol = u.protocol.replace(/:$/, "");
  if (!u.hostname) return null;
  const port = u.port
    ? Number(u.port)
    : protocol === "https" || protocol === "grpcs" || protocol === "wss"
      ? 443
      : 80;
  const path =
    u.pathname && u.pathname !== "/" ? u.pathname : url.endsWith("/") && u.pathname === "/" ? "/" : null;
  return { protocol, host: u.hostname.replace(/^\[|\]$/g, ""), port, path };
}
