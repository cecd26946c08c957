import { zodResolver } from "@hookform/resolvers/zod";
import type { FieldErrors, Resolver } from "react-hook-form";
import type { EntityKind } from "@/components/entities/entity-kinds";
import { entityChecksToRoot } from "@/components/forms/kong-field-errors";
import {
  DEFAULT_PLUGIN_PROTOCOLS,
  PLUGIN_DEFINITIONS,
  type PluginName,
  type PluginProtocol,
  pluginInputSchema,
} from "@/lib/plugins";
import type { KongField } from "@/lib/plugins/kong-schema";

type Ref = { id: string } | null;

/**
 * The plugin form holds Kong's plugin entity body as the user edits it, so every error path the shared schema
 * or the server reports (`config.metrics[1].sample_rate`) is also a form path. Only two fields differ while
 * editing: `instance_name` is "" for none and `tags` is [] for none.
 */
export type PluginFormValues<C = Record<string, unknown>> = {
  name: PluginName;
  instance_name: string;
  enabled: boolean;
  protocols: PluginProtocol[];
  tags: string[];
  service: Ref;
  route: Ref;
  consumer: Ref;
  api: Ref;
  config: C;
};

/** The Admin API body for the form's values (what the curl panel shows and the router receives). */
export type PluginBody = {
  name: PluginName;
  instance_name: string | null;
  enabled: boolean;
  protocols: PluginProtocol[];
  tags: string[] | null;
  service?: Ref;
  route?: Ref;
  consumer?: Ref;
  api?: Ref;
  config: Record<string, unknown>;
};

export const SCOPE_KINDS: readonly EntityKind[] = ["service", "route", "consumer", "api"];

export function newPluginValues(
  name: PluginName,
  scope: Partial<Record<EntityKind, string>>,
): PluginFormValues {
  const ref = (kind: EntityKind): Ref => (scope[kind] ? { id: scope[kind] } : null);
  return {
    name,
    instance_name: "",
    enabled: true,
    protocols: [...DEFAULT_PLUGIN_PROTOCOLS],
    tags: [],
    service: ref("service"),
    route: ref("route"),
    consumer: ref("consumer"),
    api: ref("api"),
    config: PLUGIN_DEFINITIONS[name].defaults() as unknown as Record<string, unknown>,
  };
}

/** A stored plugin (Kong's entity shape, from the plugins router) as form values. */
export function pluginToValues(
  name: PluginName,
  plugin: {
    instance_name: string | null;
    enabled: boolean;
    protocols: string[];
    tags: string[] | null;
    service: Ref;
    route: Ref;
    consumer: Ref;
    api?: Ref;
    config: unknown;
  },
): PluginFormValues {
  return {
    name,
    instance_name: plugin.instance_name ?? "",
    enabled: plugin.enabled,
    protocols: plugin.protocols as PluginProtocol[],
    tags: plugin.tags ?? [],
    service: plugin.service ? { id: plugin.service.id } : null,
    route: plugin.route ? { id: plugin.route.id } : null,
    consumer: plugin.consumer ? { id: plugin.consumer.id } : null,
    api: plugin.api ? { id: plugin.api.id } : null,
    config: structuredClone(plugin.config) as Record<string, unknown>,
  };
}

export function toPluginBody(values: PluginFormValues): PluginBody {
  const ref = (r: Ref): Ref => (r?.id ? { id: r.id } : null);
  return {
    name: values.name,
    instance_name: values.instance_name.trim() === "" ? null : values.instance_name.trim(),
    enabled: values.enabled,
    protocols: values.protocols,
    tags: values.tags.length ? values.tags : null,
    service: ref(values.service),
    route: ref(values.route),
    consumer: ref(values.consumer),
    api: ref(values.api),
    config: values.config,
  };
}

/**
 * The Admin API call equivalent to saving the form (kong-plugins §1e.2). A plugin opened from an entity page
 * is created under that entity's path, which sets the scope, so the body leaves that reference out.
 */
export function adminApiRequest(
  body: PluginBody,
  target: { mode: "create"; lockedKind?: EntityKind } | { mode: "edit"; pluginId: string },
): { method: "POST" | "PATCH"; path: string; body: PluginBody } {
  if (target.mode === "edit") return { method: "PATCH", path: `/plugins/${target.pluginId}`, body };
  const kind = target.lockedKind;
  const scoped = kind ? body[kind] : null;
  if (!kind || !scoped) return { method: "POST", path: "/plugins", body };
  const { [kind]: _scope, ...rest } = body;
  const segment = { service: "services", route: "routes", consumer: "consumers", api: "apis" }[kind];
  return { method: "POST", path: `/${segment}/${scoped.id}/plugins`, body: rest as PluginBody };
}

export function curlCommand(origin: string, req: { method: string; path: string; body: unknown }): string {
  const json = JSON.stringify(req.body);
  // Single quotes inside the body are closed, escaped and reopened for POSIX shells.
  const quoted = `'${json.replace(/'/g, `'\\''`)}'`;
  return `curl -X ${req.method} ${origin}/admin-api${req.path} -H 'Content-Type: application/json' --data ${quoted}`;
}

/**
 * Kong's entity checks report on the record (`@entity`) and on the field they require, together. The form
 * leaves those cross-field rules to the server, whose `fields` tree lands inline at the same paths, and checks
 * every per-field rule in the browser with the same schema.
 */
function dropEntityChecks(errors: FieldErrors | undefined, field: KongField): void {
  if (!errors || typeof errors !== "object") return;
  const node = errors as Record<string, unknown>;
  if (field.type === "record") {
    if (node["@entity"]) {
      delete node["@entity"];
      for (const check of field.entity_checks ?? [])
        if ("conditional" in check) delete node[check.conditional.then_field];
    }
    for (const [name, sub] of field.fields) {
      dropEntityChecks(node[name] as FieldErrors | undefined, sub);
      if (isEmptyErrorNode(node[name])) delete node[name];
    }
  } else if (field.type === "array" || field.type === "set") {
    const list = node as unknown as unknown[];
    if (!Array.isArray(list)) return;
    list.forEach((item, i) => {
      dropEntityChecks(item as FieldErrors | undefined, field.elements);
      if (isEmptyErrorNode(item)) delete list[i];
    });
  }
}

function isEmptyErrorNode(v: unknown): boolean {
  if (!v || typeof v !== "object") return false;
  if ("message" in v || "type" in v) return false;
  return Object.values(v).every((x) => x === undefined || isEmptyErrorNode(x));
}

export function pluginResolver(name: PluginName): Resolver<PluginFormValues> {
  const validate = zodResolver(pluginInputSchema as never);
  const configField = PLUGIN_DEFINITIONS[name].configField;
  return async (values, context, options) => {
    const result = (await validate(toPluginBody(values) as never, context, options as never)) as {
      errors: FieldErrors<PluginFormValues>;
    };
    const errors = result.errors as Record<string, unknown>;
    dropEntityChecks(errors.config as FieldErrors | undefined, configField);
    if (isEmptyErrorNode(errors.config)) delete errors.config;
    entityChecksToRoot(errors);
    if (Object.keys(errors).length === 0) return { values, errors: {} };
    return { values: {}, errors: result.errors };
  };
}
