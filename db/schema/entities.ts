import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Gateway entities. On Citus these are reference tables (scale-notes §2): small, joined everywhere.
 * Ingest registers an unseen entity once (kept in an in-memory set) and never writes them per batch (R11).
 * `discovered` marks entities created from ingested traffic rather than through the Admin API or UI.
 */
const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

export const workspaces = pgTable("workspaces", {
  id: uuid("id").primaryKey(),
  name: text("name").notNull().unique(),
  ...timestamps,
});

export const services = pgTable(
  "services",
  {
    id: uuid("id").primaryKey(),
    name: text("name").unique(),
    protocol: text("protocol").notNull().default("http"),
    host: text("host").notNull(),
    port: integer("port").notNull().default(80),
    path: text("path"),
    retries: integer("retries").notNull().default(5),
    connectTimeout: integer("connect_timeout").notNull().default(60000),
    writeTimeout: integer("write_timeout").notNull().default(60000),
    readTimeout: integer("read_timeout").notNull().default(60000),
    enabled: boolean("enabled").notNull().default(true),
    tags: text("tags").array(),
    workspaceId: uuid("ws_id"),
    discovered: boolean("discovered").notNull().default(false),
    ...timestamps,
  },
  (t) => [index("services_created_idx").on(t.createdAt, t.id)],
);

export const routes = pgTable(
  "routes",
  {
    id: uuid("id").primaryKey(),
    name: text("name").unique(),
    serviceId: uuid("service_id"),
    protocols: text("protocols").array().notNull().default(sql`ARRAY['http','https']::text[]`),
    methods: text("methods").array(),
    hosts: text("hosts").array(),
    paths: text("paths").array(),
    stripPath: boolean("strip_path").notNull().default(true),
    preserveHost: boolean("preserve_host").notNull().default(false),
    regexPriority: integer("regex_priority").notNull().default(0),
    httpsRedirectStatusCode: integer("https_redirect_status_code").notNull().default(426),
    tags: text("tags").array(),
    workspaceId: uuid("ws_id"),
    discovered: boolean("discovered").notNull().default(false),
    ...timestamps,
  },
  (t) => [index("routes_service_idx").on(t.serviceId), index("routes_created_idx").on(t.createdAt, t.id)],
);

export const consumers = pgTable(
  "consumers",
  {
    id: uuid("id").primaryKey(),
    username: text("username").unique(),
    customId: text("custom_id").unique(),
    tags: text("tags").array(),
    workspaceId: uuid("ws_id"),
    discovered: boolean("discovered").notNull().default(false),
    ...timestamps,
  },
  (t) => [index("consumers_created_idx").on(t.createdAt, t.id)],
);

/** The legacy API entity (Kong ≤ 0.14, removed in 1.0): kept as a plugin scope and traffic dimension. */
export const apis = pgTable(
  "apis",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull().unique(),
    upstreamUrl: text("upstream_url").notNull(),
    hosts: text("hosts").array(),
    uris: text("uris").array(),
    methods: text("methods").array(),
    stripUri: boolean("strip_uri").notNull().default(true),
    preserveHost: boolean("preserve_host").notNull().default(false),
    retries: integer("retries").notNull().default(5),
    httpsOnly: boolean("https_only").notNull().default(false),
    httpIfTerminated: boolean("http_if_terminated").notNull().default(false),
    upstreamConnectTimeout: integer("upstream_connect_timeout").notNull().default(60000),
    upstreamSendTimeout: integer("upstream_send_timeout").notNull().default(60000),
    upstreamReadTimeout: integer("upstream_read_timeout").notNull().default(60000),
    discovered: boolean("discovered").notNull().default(false),
    ...timestamps,
  },
  (t) => [index("apis_created_idx").on(t.createdAt, t.id)],
);

/**
 * A node is a Kong process, not a host: every restart brings a new id (kong-vitals §1.2).
 * Last-seen is read from the health rollups, never written per batch (scale-notes R11).
 */
export const nodes = pgTable("nodes", {
  id: uuid("id").primaryKey(),
  hostname: text("hostname").notNull(),
  version: text("version"),
  firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
});
