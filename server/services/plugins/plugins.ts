import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { plugins } from "@/db/schema";
import {
  isPluginName,
  PLUGIN_DEFINITIONS,
  type PluginInput,
  type PluginName,
  type PluginProtocol,
  type PluginScope,
  pluginEntityFields,
  validatePluginInput,
} from "@/lib/plugins";
import { inferKongTypes, type KongRecordField, kongSchemaJson } from "@/lib/plugins/kong-schema";
import { isUuid } from "@/lib/uuid";
import { NotFoundError } from "@/server/errors";
import { ADAPTERS } from "@/server/services/entities/adapters";
import { findEntity } from "@/server/services/entities/entities";
import { foreignKeyViolation } from "@/server/services/entities/kong-dao-error";
import {
  decodeOffset,
  encodeOffset,
  type Page,
  type PageParams,
  parsePageSize,
} from "@/server/services/entities/paging";
import {
  asObject,
  type BodySource,
  guardUnique,
  mergePatch,
  schemaViolation,
  uniqueViolation,
} from "@/server/services/entities/validate";
import { bumpPluginConfigVersion } from "./precedence";

/** Entity kinds a plugin can be scoped to, with the plugin field that holds the foreign key. */
export const SCOPE_FIELDS = {
  services: "service",
  routes: "route",
  consumers: "consumer",
  apis: "api",
} as const;
export type ScopeKind = keyof typeof SCOPE_FIELDS;
export type PluginScopeRef = { kind: ScopeKind; idOrName: string };

type PluginRow = typeof plugins.$inferSelect;

/**
 * Kong's plugin object (kong-plugins §1e.1): integer-second timestamps, foreign keys `{"id": …}` or null,
 * the config with every default filled. `api` (the legacy scope) appears only when set, so a modern plugin
 * object is exactly Kong 3.x's.
 */
export type KongPlugin = {
  id: string;
  /** Only known plugins are ever stored (validation rejects other names). */
  name: PluginName;
  instance_name: string | null;
  created_at: number;
  updated_at: number;
  route: { id: string } | null;
  service: { id: string } | null;
  consumer: { id: string } | null;
  api?: { id: string };
  config: unknown;
  protocols: PluginProtocol[];
  enabled: boolean;
  tags: string[] | null;
};

const ref = (id: string | null) => (id ? { id } : null);

export function pluginToKong(r: PluginRow): KongPlugin {
  const out: KongPlugin = {
    id: r.id,
    name: r.name as PluginName,
    instance_name: r.instanceName,
    created_at: Math.floor(r.createdAt.getTime() / 1000),
    updated_at: Math.floor(r.updatedAt.getTime() / 1000),
    route: ref(r.routeId),
    service: ref(r.serviceId),
    consumer: ref(r.consumerId),
    config: r.config,
    protocols: r.protocols as PluginProtocol[],
    enabled: r.enabled,
    tags: r.tags,
  };
  if (r.apiId) out.api = { id: r.apiId };
  return out;
}

/** Kong converts form strings by the plugin's schema before validating (kong/api/arguments.lua). */
function inferForm(body: Record<string, unknown>): Record<string, unknown> {
  const name = body.name;
  const config = isPluginName(name)
    ? PLUGIN_DEFINITIONS[name].configField
    : { type: "record" as const, fields: [] };
  const record: KongRecordField = { type: "record", fields: pluginEntityFields(config) };
  const out = inferKongTypes(record, body) as Record<string, unknown>;
  // `service=<id>` in a form means `service.id=<id>` (Kong's foreign-key shorthand).
  for (const f of ["service", "route", "consumer", "api"])
    if (typeof out[f] === "string") out[f] = { id: out[f] };
  return out;
}

async function resolveScope(
  db: Db,
  scope: PluginScopeRef | undefined,
): Promise<[string, { id: string }] | null> {
  if (!scope) return null;
  const found = await findEntity(db, scope.kind, scope.idOrName);
  if (!found) throw new NotFoundError();
  return [SCOPE_FIELDS[scope.kind], { id: found.id as string }];
}

/** A write's body as Kong reads it: form fields typed, and the scope entity of a nested route forced in. */
async function scopedBody(
  db: Db,
  rawBody: unknown,
  options: PluginWriteOptions,
): Promise<Record<string, unknown>> {
  const body = options.source === "form" ? inferForm(asObject(rawBody)) : asObject(rawBody);
  const forced = await resolveScope(db, options.scope);
  return forced ? { ...body, [forced[0]]: forced[1] } : body;
}

/** Validates a body (defaults filled); an unknown scope reference is Kong's foreign key violation. */
async function validatePlugin(
  db: Db,
  body: Record<string, unknown>,
  selfId: string | null,
): Promise<PluginInput> {
  const r = validatePluginInput(body);
  if (r.errors) throw schemaViolation(r.errors);
  const input = r.value;
  for (const [kind, field] of Object.entries(SCOPE_FIELDS) as [ScopeKind, keyof PluginInput][]) {
    const value = input[field] as { id: string } | null;
    if (value && !(await ADAPTERS[kind].getById(db, value.id)))
      throw foreignKeyViolation(field, value.id, kind);
  }
  const scopeWhere = and(
    eq(plugins.name, input.name),
    eqOrNull(plugins.serviceId, input.service?.id),
    eqOrNull(plugins.routeId, input.route?.id),
    eqOrNull(plugins.consumerId, input.consumer?.id),
    eqOrNull(plugins.apiId, input.api?.id),
  );
  const [dup] = await db.select({ id: plugins.id }).from(plugins).where(scopeWhere);
  if (dup && dup.id !== selfId) throw uniqueViolation(scopeKey(input));
  if (input.instance_name) {
    const [same] = await db
      .select({ id: plugins.id })
      .from(plugins)
      .where(eq(plugins.instanceName, input.instance_name));
    if (same && same.id !== selfId) throw uniqueViolation({ instance_name: input.instance_name });
  }
  return input;
}

/** kong-plugins §1e.2: the unique key Kong reports; `api` only where it is part of the key. */
function scopeKey(input: PluginInput): Record<string, unknown> {
  const key: Record<string, unknown> = {
    consumer: input.consumer,
    name: input.name,
    route: input.route,
    service: input.service,
  };
  if (input.api) key.api = input.api;
  return key;
}

function eqOrNull(
  column:
    | typeof plugins.serviceId
    | typeof plugins.routeId
    | typeof plugins.consumerId
    | typeof plugins.apiId,
  value: string | undefined,
): SQL {
  return value ? eq(column, value) : isNull(column);
}

function rowValues(input: PluginInput) {
  return {
    name: input.name,
    instanceName: input.instance_name,
    serviceId: input.service?.id ?? null,
    routeId: input.route?.id ?? null,
    consumerId: input.consumer?.id ?? null,
    apiId: input.api?.id ?? null,
    config: input.config,
    protocols: input.protocols,
    enabled: input.enabled,
    tags: input.tags,
  };
}

export type PluginWriteOptions = {
  source?: BodySource;
  /** `POST /services/{x}/plugins`: the scope entity (404 when unknown), forced into the body. */
  scope?: PluginScopeRef;
};

/** `POST /plugins` and the scoped forms. Bumps config_version in the same transaction. */
export async function createPlugin(
  db: Db,
  rawBody: unknown,
  options: PluginWriteOptions = {},
): Promise<KongPlugin> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const input = await validatePlugin(t, await scopedBody(t, rawBody, options), null);
    const id = input.id ?? randomUUID();
    if (input.id) {
      const [existing] = await t.select({ id: plugins.id }).from(plugins).where(eq(plugins.id, id));
      if (existing) throw uniqueViolation({ id });
    }
    const now = new Date();
    const [row] = await guardUnique(
      () =>
        t
          .insert(plugins)
          .values({ id, ...rowValues(input), createdAt: now, updatedAt: now })
          .returning(),
      () => scopeKey(input),
    );
    await bumpPluginConfigVersion(t);
    return pluginToKong(row);
  });
}

/** `/plugins/{id or instance_name}` (Kong 3.2+ made instance_name the plugin's endpoint key). */
function pluginKey(idOrName: string): SQL {
  return isUuid(idOrName) ? eq(plugins.id, idOrName) : eq(plugins.instanceName, idOrName);
}

export async function getPlugin(db: Db, id: string, scope?: PluginScopeRef): Promise<KongPlugin> {
  const [row] = await db.select().from(plugins).where(pluginKey(id));
  if (!row) throw new NotFoundError();
  if (scope) {
    const forced = await resolveScope(db, scope);
    const plugin = pluginToKong(row);
    if (!forced || (plugin[forced[0] as "service"]?.id ?? null) !== forced[1].id) throw new NotFoundError();
    return plugin;
  }
  return pluginToKong(row);
}

export type ListPluginsParams = PageParams & {
  /** An entity's plugins (`/services/{x}/plugins`); unknown entity → NotFoundError. */
  scope?: PluginScopeRef;
  name?: string;
  /** Scope type: `global` = no entity; otherwise instances referencing that entity kind. */
  scopeType?: PluginScope;
  serviceId?: string;
  routeId?: string;
  consumerId?: string;
  apiId?: string;
};

export async function listPlugins(db: Db, params: ListPluginsParams = {}): Promise<Page<KongPlugin>> {
  const size = parsePageSize(params.size);
  const afterId = decodeOffset(params.offset);
  const forced = await resolveScope(db, params.scope);
  const scopeColumn = forced
    ? {
        service: plugins.serviceId,
        route: plugins.routeId,
        consumer: plugins.consumerId,
        api: plugins.apiId,
      }[forced[0] as "service"]
    : null;
  const rows = await db
    .select()
    .from(plugins)
    .where(
      and(
        afterId ? gt(plugins.id, afterId) : undefined,
        scopeColumn && forced ? eq(scopeColumn, forced[1].id) : undefined,
        params.name ? eq(plugins.name, params.name) : undefined,
        scopeTypeClause(params.scopeType),
        idFilter(plugins.serviceId, params.serviceId),
        idFilter(plugins.routeId, params.routeId),
        idFilter(plugins.consumerId, params.consumerId),
        idFilter(plugins.apiId, params.apiId),
      ),
    )
    .orderBy(asc(plugins.id))
    .limit(size + 1);
  const data = rows.slice(0, size).map(pluginToKong);
  return { data, offset: rows.length > size ? encodeOffset(data[data.length - 1].id) : null };
}

type ScopeColumn =
  | typeof plugins.serviceId
  | typeof plugins.routeId
  | typeof plugins.consumerId
  | typeof plugins.apiId;

function scopeTypeClause(scopeType: PluginScope | undefined): SQL | undefined {
  if (!scopeType) return undefined;
  if (scopeType === "global")
    return and(
      isNull(plugins.serviceId),
      isNull(plugins.routeId),
      isNull(plugins.consumerId),
      isNull(plugins.apiId),
    );
  const column = {
    service: plugins.serviceId,
    route: plugins.routeId,
    consumer: plugins.consumerId,
    api: plugins.apiId,
  }[scopeType];
  return isNotNull(column);
}

/** A malformed id matches nothing rather than failing the uuid cast. */
function idFilter(column: ScopeColumn, id: string | undefined): SQL | undefined {
  if (id === undefined) return undefined;
  return isUuid(id) ? eq(column, id) : sql`false`;
}

function toBody(p: KongPlugin): Record<string, unknown> {
  const { created_at: _c, updated_at: _u, ...rest } = p;
  return rest;
}

/** PATCH /plugins/{id}: merged over the stored plugin (config merged recursively, arrays replaced). */
export async function updatePlugin(
  db: Db,
  id: string,
  rawBody: unknown,
  options: PluginWriteOptions = {},
): Promise<KongPlugin> {
  let patch = asObject(rawBody);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const current = await getPlugin(t, id, options.scope);
    if (options.source === "form") patch = inferForm({ name: current.name, ...patch });
    const merged = mergePatch(toBody(current), patch);
    merged.id = current.id;
    const input = await validatePlugin(t, merged, current.id);
    const [row] = await guardUnique(
      () =>
        t
          .update(plugins)
          .set({ ...rowValues(input), updatedAt: new Date() })
          .where(eq(plugins.id, current.id))
          .returning(),
      () => scopeKey(input),
    );
    await bumpPluginConfigVersion(t);
    return pluginToKong(row);
  });
}

/** PUT /plugins/{id}: creates or replaces the whole plugin (defaults re-applied). */
export async function upsertPlugin(
  db: Db,
  idOrName: string,
  rawBody: unknown,
  options: PluginWriteOptions = {},
): Promise<KongPlugin> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    let body = await scopedBody(t, rawBody, options);
    let id = idOrName;
    if (!isUuid(idOrName)) {
      // PUT /plugins/{instance_name}: replaces that instance, or creates it with this name.
      const [existing] = await t
        .select({ id: plugins.id })
        .from(plugins)
        .where(eq(plugins.instanceName, idOrName));
      body = { ...body, instance_name: idOrName };
      id = existing?.id ?? (typeof body.id === "string" ? body.id : randomUUID());
    }
    body = { ...body, id };
    const input = await validatePlugin(t, body, id);
    const now = new Date();
    const [row] = await guardUnique(
      () =>
        t
          .insert(plugins)
          .values({ id, ...rowValues(input), createdAt: now, updatedAt: now })
          .onConflictDoUpdate({ target: plugins.id, set: { ...rowValues(input), updatedAt: now } })
          .returning(),
      () => scopeKey(input),
    );
    await bumpPluginConfigVersion(t);
    return pluginToKong(row);
  });
}

export async function setPluginEnabled(db: Db, id: string, enabled: boolean): Promise<KongPlugin> {
  return updatePlugin(db, id, { enabled });
}

/** Idempotent, as Kong's DELETE (204 for an unknown id). */
export async function deletePlugin(db: Db, id: string, scope?: PluginScopeRef): Promise<void> {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (scope) {
      try {
        await getPlugin(t, id, scope);
      } catch (err) {
        if (err instanceof NotFoundError) return;
        throw err;
      }
    }
    const removed = await t.delete(plugins).where(pluginKey(id)).returning({ id: plugins.id });
    if (removed.length) await bumpPluginConfigVersion(t);
  });
}

/** `GET /plugins/enabled`. */
export function listEnabledPluginNames(): PluginName[] {
  return (Object.keys(PLUGIN_DEFINITIONS) as PluginName[]).sort();
}

/**
 * `GET /schemas/plugins/{name}`: Kong's plugin schema JSON (the plugin's own fields: protocols and config,
 * kong/plugins/<name>/schema.lua); null for an unknown plugin.
 */
export function getPluginSchema(name: string): Record<string, unknown> | null {
  if (!isPluginName(name)) return null;
  const fields = pluginEntityFields(PLUGIN_DEFINITIONS[name].configField);
  const pick = new Map(fields);
  return {
    fields: ["consumer", "protocols", "config"].map((f) => ({ [f]: kongSchemaJson(pick.get(f)!) })),
  };
}

/** Kong's root info for `GET /`: which plugins this server has, and which are configured somewhere. */
export async function getPluginAvailability(db: Db) {
  const rows = await db.selectDistinct({ name: plugins.name }).from(plugins);
  const available: Record<string, { version: string; priority: number }> = {};
  for (const name of listEnabledPluginNames())
    available[name] = { version: KONG_COMPAT_VERSION, priority: PLUGIN_DEFINITIONS[name].priority };
  return { available_on_server: available, enabled_in_cluster: rows.map((r) => r.name).sort() };
}

/** The Kong release whose plugin schemas we follow (kong-plugins §0, K-3.9.3). */
export const KONG_COMPAT_VERSION = "3.9.3";

/** `POST /schemas/plugins/validate`: Kong's schema check without writing (scope references not resolved). */
export function checkPluginBody(rawBody: unknown, source: BodySource = "json"): void {
  let body = asObject(rawBody);
  if (source === "form") body = inferForm(body);
  const r = validatePluginInput(body);
  if (r.errors) throw schemaViolation(r.errors);
}
