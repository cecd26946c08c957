import { and, asc, eq, gt, ilike, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apis, consumers, routes, services } from "@/db/schema";
import type { ApiInput, ConsumerInput, EntityKind, RouteInput, ServiceInput } from "@/lib/entities";

/**
 * Row access and Kong JSON shapes per entity kind. Kong shapes: timestamps are integer seconds (the 0.14 API
 * entity: milliseconds), foreign keys `{"id": …}` or null, absent optional fields null (kong-plugins §1e.1).
 */
export type KongObject = Record<string, unknown>;

export type EntityAdapter<Input> = {
  kind: EntityKind;
  /** Singular noun Kong uses in messages ("services" entity). */
  /** Column Kong's `/{kind}/{name}` endpoint key resolves by when the segment is not a UUID. */
  endpointKey: "name" | "username";
  /** Fields with a UNIQUE constraint, in Kong's check order. */
  uniqueFields: readonly string[];
  getById(db: Db, id: string): Promise<KongObject | null>;
  /** null when no row has this id; true when ingest registered it from traffic and nobody has written it. */
  isDiscovered(db: Db, id: string): Promise<boolean | null>;
  getByKey(db: Db, key: string): Promise<KongObject | null>;
  findUnique(db: Db, field: string, value: unknown): Promise<string | null>;
  list(
    db: Db,
    opts: { afterId: string | null; limit: number; serviceId?: string; search?: string },
  ): Promise<KongObject[]>;
  insert(db: Db, id: string, input: Input, now: Date): Promise<void>;
  update(db: Db, id: string, input: Input, now: Date): Promise<void>;
  remove(db: Db, id: string): Promise<void>;
};

const secs = (d: Date) => Math.floor(d.getTime() / 1000);
const ref = (id: string | null) => (id ? { id } : null);
const orNull = <T>(v: T[] | null) => (v?.length ? v : null);

function searchClause(term: string | undefined, id: SQL, ...names: SQL[]): SQL | undefined {
  if (!term) return undefined;
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(sql`${id}::text ilike ${pattern}`, ...names.map((n) => ilike(sql`coalesce(${n}, '')`, pattern)));
}

type ServiceRow = typeof services.$inferSelect;
export function serviceToKong(r: ServiceRow): KongObject {
  return {
    id: r.id,
    name: r.name,
    created_at: secs(r.createdAt),
    updated_at: secs(r.updatedAt),
    retries: r.retries,
    protocol: r.protocol,
    host: r.host,
    port: r.port,
    path: r.path,
    connect_timeout: r.connectTimeout,
    write_timeout: r.writeTimeout,
    read_timeout: r.readTimeout,
    tags: r.tags,
    client_certificate: null,
    tls_verify: null,
    tls_verify_depth: null,
    ca_certificates: null,
    enabled: r.enabled,
  };
}

const serviceValues = (i: ServiceInput) => ({
  name: i.name,
  retries: i.retries,
  protocol: i.protocol,
  host: i.host,
  port: i.port,
  path: i.path,
  connectTimeout: i.connect_timeout,
  writeTimeout: i.write_timeout,
  readTimeout: i.read_timeout,
  tags: i.tags,
  enabled: i.enabled,
});

export const serviceAdapter: EntityAdapter<ServiceInput> = {
  kind: "services",
  endpointKey: "name",
  uniqueFields: ["name"],
  async isDiscovered(db, id) {
    const [r] = await db.select({ d: services.discovered }).from(services).where(eq(services.id, id));
    return r ? r.d : null;
  },
  async getById(db, id) {
    const [r] = await db.select().from(services).where(eq(services.id, id));
    return r ? serviceToKong(r) : null;
  },
  async getByKey(db, key) {
    const [r] = await db.select().from(services).where(eq(services.name, key));
    return r ? serviceToKong(r) : null;
  },
  async findUnique(db, _field, value) {
    const [r] = await db
      .select({ id: services.id })
      .from(services)
      .where(eq(services.name, String(value)));
    return r?.id ?? null;
  },
  async list(db, { afterId, limit, search }) {
    const rows = await db
      .select()
      .from(services)
      .where(
        and(
          afterId ? gt(services.id, afterId) : undefined,
          searchClause(search, sql`${services.id}`, sql`${services.name}`, sql`${services.host}`),
        ),
      )
      .orderBy(asc(services.id))
      .limit(limit);
    return rows.map(serviceToKong);
  },
  async insert(db, id, input, now) {
    await db.insert(services).values({ id, ...serviceValues(input), createdAt: now, updatedAt: now });
  },
  async update(db, id, input, now) {
    await db
      .update(services)
      .set({ ...serviceValues(input), discovered: false, updatedAt: now })
      .where(eq(services.id, id));
  },
  async remove(db, id) {
    await db.delete(services).where(eq(services.id, id));
  },
};

type RouteRow = typeof routes.$inferSelect;
export function routeToKong(r: RouteRow): KongObject {
  return {
    id: r.id,
    name: r.name,
    created_at: secs(r.createdAt),
    updated_at: secs(r.updatedAt),
    protocols: r.protocols,
    methods: orNull(r.methods),
    hosts: orNull(r.hosts),
    paths: orNull(r.paths),
    headers: null,
    https_redirect_status_code: r.httpsRedirectStatusCode,
    regex_priority: r.regexPriority,
    strip_path: r.stripPath,
    path_handling: "v0",
    preserve_host: r.preserveHost,
    request_buffering: true,
    response_buffering: true,
    snis: null,
    sources: null,
    destinations: null,
    tags: r.tags,
    service: ref(r.serviceId),
  };
}

const routeValues = (i: RouteInput) => ({
  name: i.name,
  serviceId: i.service?.id ?? null,
  protocols: i.protocols,
  methods: i.methods,
  hosts: i.hosts,
  paths: i.paths,
  stripPath: i.strip_path,
  preserveHost: i.preserve_host,
  regexPriority: i.regex_priority,
  httpsRedirectStatusCode: i.https_redirect_status_code,
  tags: i.tags,
});

export const routeAdapter: EntityAdapter<RouteInput> = {
  kind: "routes",
  endpointKey: "name",
  uniqueFields: ["name"],
  async isDiscovered(db, id) {
    const [r] = await db.select({ d: routes.discovered }).from(routes).where(eq(routes.id, id));
    return r ? r.d : null;
  },
  async getById(db, id) {
    const [r] = await db.select().from(routes).where(eq(routes.id, id));
    return r ? routeToKong(r) : null;
  },
  async getByKey(db, key) {
    const [r] = await db.select().from(routes).where(eq(routes.name, key));
    return r ? routeToKong(r) : null;
  },
  async findUnique(db, _field, value) {
    const [r] = await db
      .select({ id: routes.id })
      .from(routes)
      .where(eq(routes.name, String(value)));
    return r?.id ?? null;
  },
  async list(db, { afterId, limit, serviceId, search }) {
    const rows = await db
      .select()
      .from(routes)
      .where(
        and(
          afterId ? gt(routes.id, afterId) : undefined,
          serviceId ? eq(routes.serviceId, serviceId) : undefined,
          searchClause(search, sql`${routes.id}`, sql`${routes.name}`),
        ),
      )
      .orderBy(asc(routes.id))
      .limit(limit);
    return rows.map(routeToKong);
  },
  async insert(db, id, input, now) {
    await db.insert(routes).values({ id, ...routeValues(input), createdAt: now, updatedAt: now });
  },
  async update(db, id, input, now) {
    await db
      .update(routes)
      .set({ ...routeValues(input), discovered: false, updatedAt: now })
      .where(eq(routes.id, id));
  },
  async remove(db, id) {
    await db.delete(routes).where(eq(routes.id, id));
  },
};

type ConsumerRow = typeof consumers.$inferSelect;
export function consumerToKong(r: ConsumerRow): KongObject {
  return {
    id: r.id,
    created_at: secs(r.createdAt),
    updated_at: secs(r.updatedAt),
    username: r.username,
    custom_id: r.customId,
    tags: r.tags,
  };
}

export const consumerAdapter: EntityAdapter<ConsumerInput> = {
  kind: "consumers",
  endpointKey: "username",
  uniqueFields: ["custom_id", "username"],
  async isDiscovered(db, id) {
    const [r] = await db.select({ d: consumers.discovered }).from(consumers).where(eq(consumers.id, id));
    return r ? r.d : null;
  },
  async getById(db, id) {
    const [r] = await db.select().from(consumers).where(eq(consumers.id, id));
    return r ? consumerToKong(r) : null;
  },
  async getByKey(db, key) {
    const [r] = await db.select().from(consumers).where(eq(consumers.username, key));
    return r ? consumerToKong(r) : null;
  },
  async findUnique(db, field, value) {
    const col = field === "custom_id" ? consumers.customId : consumers.username;
    const [r] = await db
      .select({ id: consumers.id })
      .from(consumers)
      .where(eq(col, String(value)));
    return r?.id ?? null;
  },
  async list(db, { afterId, limit, search }) {
    const rows = await db
      .select()
      .from(consumers)
      .where(
        and(
          afterId ? gt(consumers.id, afterId) : undefined,
          searchClause(search, sql`${consumers.id}`, sql`${consumers.username}`, sql`${consumers.customId}`),
        ),
      )
      .orderBy(asc(consumers.id))
      .limit(limit);
    return rows.map(consumerToKong);
  },
  async insert(db, id, input, now) {
    await db.insert(consumers).values({
      id,
      username: input.username,
      customId: input.custom_id,
      tags: input.tags,
      createdAt: now,
      updatedAt: now,
    });
  },
  async update(db, id, input, now) {
    await db
      .update(consumers)
      .set({
        username: input.username,
        customId: input.custom_id,
        tags: input.tags,
        discovered: false,
        updatedAt: now,
      })
      .where(eq(consumers.id, id));
  },
  async remove(db, id) {
    await db.delete(consumers).where(eq(consumers.id, id));
  },
};

type ApiRow = typeof apis.$inferSelect;
/** Kong 0.14 API object: `created_at` in milliseconds, no `updated_at`. */
export function apiToKong(r: ApiRow): KongObject {
  return {
    id: r.id,
    created_at: r.createdAt.getTime(),
    name: r.name,
    upstream_url: r.upstreamUrl,
    hosts: orNull(r.hosts),
    uris: orNull(r.uris),
    methods: orNull(r.methods),
    strip_uri: r.stripUri,
    preserve_host: r.preserveHost,
    retries: r.retries,
    https_only: r.httpsOnly,
    http_if_terminated: r.httpIfTerminated,
    upstream_connect_timeout: r.upstreamConnectTimeout,
    upstream_send_timeout: r.upstreamSendTimeout,
    upstream_read_timeout: r.upstreamReadTimeout,
  };
}

const apiValues = (i: ApiInput) => ({
  name: i.name,
  upstreamUrl: i.upstream_url,
  hosts: i.hosts,
  uris: i.uris,
  methods: i.methods,
  stripUri: i.strip_uri,
  preserveHost: i.preserve_host,
  retries: i.retries,
  httpsOnly: i.https_only,
  httpIfTerminated: i.http_if_terminated,
  upstreamConnectTimeout: i.upstream_connect_timeout,
  upstreamSendTimeout: i.upstream_send_timeout,
  upstreamReadTimeout: i.upstream_read_timeout,
});

export const apiAdapter: EntityAdapter<ApiInput> = {
  kind: "apis",
  endpointKey: "name",
  uniqueFields: ["name"],
  async isDiscovered(db, id) {
    const [r] = await db.select({ d: apis.discovered }).from(apis).where(eq(apis.id, id));
    return r ? r.d : null;
  },
  async getById(db, id) {
    const [r] = await db.select().from(apis).where(eq(apis.id, id));
    return r ? apiToKong(r) : null;
  },
  async getByKey(db, key) {
    const [r] = await db.select().from(apis).where(eq(apis.name, key));
    return r ? apiToKong(r) : null;
  },
  async findUnique(db, _field, value) {
    const [r] = await db
      .select({ id: apis.id })
      .from(apis)
      .where(eq(apis.name, String(value)));
    return r?.id ?? null;
  },
  async list(db, { afterId, limit, search }) {
    const rows = await db
      .select()
      .from(apis)
      .where(
        and(
          afterId ? gt(apis.id, afterId) : undefined,
          searchClause(search, sql`${apis.id}`, sql`${apis.name}`),
        ),
      )
      .orderBy(asc(apis.id))
      .limit(limit);
    return rows.map(apiToKong);
  },
  async insert(db, id, input, now) {
    await db.insert(apis).values({ id, ...apiValues(input), createdAt: now, updatedAt: now });
  },
  async update(db, id, input, now) {
    await db
      .update(apis)
      .set({ ...apiValues(input), discovered: false, updatedAt: now })
      .where(eq(apis.id, id));
  },
  async remove(db, id) {
    await db.delete(apis).where(eq(apis.id, id));
  },
};

export const ADAPTERS = {
  services: serviceAdapter,
  routes: routeAdapter,
  consumers: consumerAdapter,
  apis: apiAdapter,
} as const;
