import { randomUUID } from "node:crypto";
import { count, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apis, consumers, plugins, routes, services } from "@/db/schema";
import {
  ENTITY_KINDS,
  ENTITY_RECORDS,
  type EntityInputByKind,
  type EntityKind,
  expandServiceUrl,
} from "@/lib/entities";
import { kongSchemaJson } from "@/lib/plugins/kong-schema";
import { isUuid } from "@/lib/uuid";
import { NotFoundError } from "@/server/errors";
import { bumpPluginConfigVersion } from "@/server/services/plugins/precedence";
import { ADAPTERS, type EntityAdapter, type KongObject } from "./adapters";
import { foreignKeyViolation, referencedBy } from "./kong-dao-error";
import { decodeOffset, encodeOffset, type Page, type PageParams, parsePageSize } from "./paging";
import {
  asObject,
  type BodySource,
  guardUnique,
  mergePatch,
  schemaViolation,
  uniqueViolation,
  validateRecordBody,
} from "./validate";

export type { KongObject } from "./adapters";

function adapter<K extends EntityKind>(kind: K): EntityAdapter<EntityInputByKind[K]> {
  return ADAPTERS[kind] as unknown as EntityAdapter<EntityInputByKind[K]>;
}

/** Kong resolves `/{kind}/{x}` by primary key when x is a UUID, else by the endpoint key (name/username). */
export async function findEntity(db: Db, kind: EntityKind, idOrName: string): Promise<KongObject | null> {
  const a = ADAPTERS[kind];
  return isUuid(idOrName) ? a.getById(db, idOrName) : a.getByKey(db, idOrName);
}

export async function getEntity(db: Db, kind: EntityKind, idOrName: string): Promise<KongObject> {
  const found = await findEntity(db, kind, idOrName);
  if (!found) throw new NotFoundError();
  return found;
}

export type ListEntitiesParams = PageParams & {
  /** Only routes of this service (`/services/{x}/routes`), id or name. */
  service?: string;
  /** Case-insensitive match on id, name/username/custom_id or host (entity pickers). */
  search?: string;
};

export async function listEntities(
  db: Db,
  kind: EntityKind,
  params: ListEntitiesParams = {},
): Promise<Page<KongObject>> {
  const size = parsePageSize(params.size);
  const afterId = decodeOffset(params.offset);
  let serviceId: string | undefined;
  if (params.service !== undefined)
    serviceId = (await getEntity(db, "services", params.service)).id as string;
  const rows = await ADAPTERS[kind].list(db, { afterId, limit: size + 1, serviceId, search: params.search });
  const data = rows.slice(0, size);
  return { data, offset: rows.length > size ? encodeOffset(data[data.length - 1].id as string) : null };
}

/** Number of entities of a kind (Kong 0.14's `/apis` list carried a `total`). */
export async function countEntities(db: Db, kind: EntityKind): Promise<number> {
  const table = { services, routes, consumers, apis }[kind];
  const [row] = await db.select({ n: count() }).from(table);
  return row?.n ?? 0;
}

/** Output-only fields Kong returns that we accept back on PATCH/PUT (a GET body round-trips). */
const IGNORED_INPUT: Record<EntityKind, readonly string[]> = {
  services: ["client_certificate", "tls_verify", "tls_verify_depth", "ca_certificates"],
  routes: [
    "headers",
    "path_handling",
    "request_buffering",
    "response_buffering",
    "snis",
    "sources",
    "destinations",
  ],
  consumers: [],
  apis: ["updated_at"],
};

function prepareBody(
  kind: EntityKind,
  raw: Record<string, unknown>,
  source: BodySource,
): Record<string, unknown> {
  const body = { ...raw };
  for (const k of IGNORED_INPUT[kind]) delete body[k];
  if (kind === "services" && typeof body.url === "string") {
    const parts = expandServiceUrl(body.url);
    if (!parts) throw schemaViolation({ url: "missing host in url" });
    delete body.url;
    Object.assign(body, parts);
  } else if (kind === "services" && "url" in body) {
    delete body.url;
  }
  // Kong 0.14 took comma-separated lists for the API entity's arrays in form bodies.
  if (kind === "apis" && source === "form")
    for (const k of ["hosts", "uris", "methods"])
      if (typeof body[k] === "string") body[k] = (body[k] as string).split(",").map((s) => s.trim());
  if (source === "form" && kind === "routes" && typeof body.service === "string")
    body.service = { id: body.service };
  return body;
}

async function validateEntity<K extends EntityKind>(
  db: Db,
  kind: K,
  body: Record<string, unknown>,
  source: BodySource,
  selfId: string | null,
): Promise<EntityInputByKind[K]> {
  const input = validateRecordBody<EntityInputByKind[K]>(ENTITY_RECORDS[kind], body, source);
  if (kind === "routes") {
    const serviceRef = (input as EntityInputByKind["routes"]).service;
    if (serviceRef && !(await ADAPTERS.services.getById(db, serviceRef.id)))
      throw foreignKeyViolation("service", serviceRef.id, "services");
  }
  const a = adapter(kind);
  for (const field of a.uniqueFields) {
    const value = (input as Record<string, unknown>)[field];
    if (value === null || value === undefined) continue;
    const existing = await a.findUnique(db, field, value);
    if (existing && existing !== selfId) throw uniqueViolation({ [field]: value });
  }
  return input;
}

export type WriteOptions = {
  source?: BodySource;
  /** Forces the route's service (`POST /services/{x}/routes`), id or name. */
  service?: string;
};

async function forcedService(db: Db, body: Record<string, unknown>, service?: string) {
  if (service === undefined) return body;
  const svc = await getEntity(db, "services", service);
  return { ...body, service: { id: svc.id } };
}

export async function createEntity(
  db: Db,
  kind: EntityKind,
  rawBody: unknown,
  options: WriteOptions = {},
): Promise<KongObject> {
  const source = options.source ?? "json";
  const body = await forcedService(db, prepareBody(kind, asObject(rawBody), source), options.service);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    // An entity ingest discovered from traffic is a placeholder: creating it with the same id adopts it
    // (same id, same entity); any other existing id is Kong's unique violation.
    const givenId = typeof body.id === "string" && isUuid(body.id) ? body.id : null;
    const discovered = givenId ? await ADAPTERS[kind].isDiscovered(t, givenId) : null;
    const input = await validateEntity(t, kind, body, source, discovered ? givenId : null);
    const id = input.id ?? randomUUID();
    if (discovered === false) throw uniqueViolation({ id });
    await guardUnique(
      () =>
        discovered
          ? adapter(kind).update(t, id, input, new Date())
          : adapter(kind).insert(t, id, input, new Date()),
      () => uniqueKey(kind, input),
    );
    return (await ADAPTERS[kind].getById(t, id))!;
  });
}

/** PATCH: the body is merged over the stored entity, then validated whole. */
export async function updateEntity(
  db: Db,
  kind: EntityKind,
  idOrName: string,
  rawBody: unknown,
  options: WriteOptions = {},
): Promise<KongObject> {
  const source = options.source ?? "json";
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const current = await getEntity(t, kind, idOrName);
    const id = current.id as string;
    const patch = await forcedService(t, prepareBody(kind, asObject(rawBody), source), options.service);
    const merged = mergePatch(stripAuto(current), patch);
    merged.id = id;
    const input = await validateEntity(t, kind, merged, source, id);
    await guardUnique(
      () => adapter(kind).update(t, id, input, new Date()),
      () => uniqueKey(kind, input),
    );
    return (await ADAPTERS[kind].getById(t, id))!;
  });
}

/**
 * PUT (Kong's upsert): `/{kind}/{uuid}` creates or replaces that id; `/{kind}/{name}` creates or replaces the
 * entity with that name (the path wins over the body's name). The body replaces every field.
 */
export async function upsertEntity(
  db: Db,
  kind: EntityKind,
  idOrName: string,
  rawBody: unknown,
  options: WriteOptions = {},
): Promise<KongObject> {
  const source = options.source ?? "json";
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const a = ADAPTERS[kind];
    const body = await forcedService(t, prepareBody(kind, asObject(rawBody), source), options.service);
    let existing: KongObject | null;
    if (isUuid(idOrName)) {
      existing = await a.getById(t, idOrName);
      body.id = idOrName;
    } else {
      existing = await a.getByKey(t, idOrName);
      body[a.endpointKey] = idOrName;
      body.id = existing ? existing.id : (body.id ?? undefined);
    }
    const input = await validateEntity(t, kind, body, source, (existing?.id as string | undefined) ?? null);
    const id = (existing?.id as string | undefined) ?? input.id ?? randomUUID();
    await guardUnique(
      () =>
        existing
          ? adapter(kind).update(t, id, input, new Date())
          : adapter(kind).insert(t, id, input, new Date()),
      () => uniqueKey(kind, input),
    );
    return (await a.getById(t, id))!;
  });
}

/** DELETE is idempotent (Kong answers 204 for an unknown entity). Plugins scoped to the entity go with it. */
export async function deleteEntity(db: Db, kind: EntityKind, idOrName: string): Promise<void> {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const found = await findEntity(t, kind, idOrName);
    if (!found) return;
    const id = found.id as string;
    if (kind === "services") {
      const [child] = await t.select({ id: routes.id }).from(routes).where(eq(routes.serviceId, id)).limit(1);
      if (child) throw referencedBy("services", "routes");
    }
    const scopeColumn = {
      services: plugins.serviceId,
      routes: plugins.routeId,
      consumers: plugins.consumerId,
      apis: plugins.apiId,
    }[kind];
    const removed = await t.delete(plugins).where(eq(scopeColumn, id)).returning({ id: plugins.id });
    if (removed.length) await bumpPluginConfigVersion(t);
    await ADAPTERS[kind].remove(t, id);
  });
}

/** The key a lost unique race is reported on: the first unique field that is set. */
function uniqueKey(kind: EntityKind, input: object): Record<string, unknown> {
  const values = input as Record<string, unknown>;
  const field =
    ADAPTERS[kind].uniqueFields.find((f) => values[f] !== null && values[f] !== undefined) ?? "id";
  return { [field]: values[field] };
}

function stripAuto(obj: KongObject): Record<string, unknown> {
  const { created_at: _c, updated_at: _u, ...rest } = obj;
  const out: Record<string, unknown> = {};
  // Absent optional values come back null from GET; on merge they mean "unset", which validation treats alike.
  for (const [k, v] of Object.entries(rest)) if (v !== null) out[k] = v;
  return out;
}

/** `GET /schemas/{kind}`: Kong's schema JSON for an entity kind. */
export function getEntitySchema(kind: string): Record<string, unknown> | null {
  if (!(ENTITY_KINDS as readonly string[]).includes(kind)) return null;
  const record = ENTITY_RECORDS[kind as EntityKind];
  return { fields: record.fields.map(([name, f]) => ({ [name]: kongSchemaJson(f) })) };
}
