import { zodResolver } from "@hookform/resolvers/zod";
import type { FieldValues, Resolver } from "react-hook-form";
import { entityChecksToRoot } from "@/components/forms/kong-field-errors";
import { apiInputSchema, consumerInputSchema, routeInputSchema, serviceInputSchema } from "@/lib/entities";
import type { EntityKind } from "./entity-kinds";

type Values = Record<string, unknown>;

/**
 * Each form edits Kong's entity body field for field (so server `fields` errors land on the same paths). The
 * defaults are Kong's (lib/entities schemas); optional strings are "" and optional lists [] while editing.
 */
export const ENTITY_FORM_DEFAULTS: Record<EntityKind, Values> = {
  service: {
    name: "",
    protocol: "http",
    host: "",
    port: 80,
    path: "",
    retries: 5,
    connect_timeout: 60000,
    write_timeout: 60000,
    read_timeout: 60000,
    tags: [],
    enabled: true,
  },
  route: {
    name: "",
    service: null,
    protocols: ["http", "https"],
    methods: [],
    hosts: [],
    paths: [],
    strip_path: true,
    preserve_host: false,
    regex_priority: 0,
    https_redirect_status_code: 426,
    tags: [],
  },
  consumer: { username: "", custom_id: "", tags: [] },
  api: {
    name: "",
    upstream_url: "",
    hosts: [],
    uris: [],
    methods: [],
    strip_uri: true,
    preserve_host: false,
    retries: 5,
    https_only: false,
    http_if_terminated: false,
    upstream_connect_timeout: 60000,
    upstream_send_timeout: 60000,
    upstream_read_timeout: 60000,
  },
};

/** Lists Kong requires (a route's protocols) keep [] so the server can say so; other empty lists mean null. */
const REQUIRED_LISTS = new Set(["protocols"]);

const SCHEMAS = {
  service: serviceInputSchema,
  route: routeInputSchema,
  consumer: consumerInputSchema,
  api: apiInputSchema,
} as const;

/** Stored entity (Kong JSON) → form values: only the form's fields, nulls as "" and []. */
export function entityToValues(kind: EntityKind, entity: Values): Values {
  const out: Values = {};
  for (const [key, fallback] of Object.entries(ENTITY_FORM_DEFAULTS[kind])) {
    const v = entity[key];
    if (key === "service") out[key] = v && typeof v === "object" ? { id: (v as { id: string }).id } : null;
    else if (v === null || v === undefined)
      out[key] = Array.isArray(fallback) ? [] : typeof fallback === "string" ? "" : fallback;
    else out[key] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

export function toEntityBody(values: Values): Values {
  const out: Values = {};
  for (const [key, v] of Object.entries(values)) {
    if (typeof v === "string") out[key] = v.trim() === "" ? null : v.trim();
    else if (Array.isArray(v)) {
      const items = v.map((x) => (typeof x === "string" ? x.trim() : x));
      out[key] = items.length === 0 && !REQUIRED_LISTS.has(key) ? null : items;
    } else out[key] = v;
  }
  return out;
}

/** The shared Kong schema checks the body the form would send; the server adds uniqueness and entity checks. */
export function entityResolver(kind: EntityKind): Resolver<FieldValues> {
  const validate = zodResolver(SCHEMAS[kind] as never);
  return async (values, context, options) => {
    const result = (await validate(toEntityBody(values) as never, context, options as never)) as {
      errors: Record<string, unknown>;
    };
    if (Object.keys(result.errors).length === 0) return { values, errors: {} };
    return { values: {}, errors: entityChecksToRoot(result.errors) as never };
  };
}
