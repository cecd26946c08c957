import { bigint, boolean, index, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

/**
 * Plugin instances (Kong's plugin entity, kong-plugins §1e). Scope columns are null when unset; Kong's
 * uniqueness of (name, route, service, consumer) plus our legacy `api` is enforced with NULLS NOT DISTINCT.
 */
export const plugins = pgTable(
  "plugins",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    instanceName: text("instance_name").unique(),
    serviceId: uuid("service_id"),
    routeId: uuid("route_id"),
    consumerId: uuid("consumer_id"),
    apiId: uuid("api_id"),
    config: jsonb("config").notNull(),
    protocols: text("protocols").array().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    tags: text("tags").array(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("plugins_scope_unique")
      .on(t.name, t.serviceId, t.routeId, t.consumerId, t.apiId)
      .nullsNotDistinct(),
    index("plugins_name_idx").on(t.name),
  ],
);

/**
 * Monotonic version of the plugin configuration. Every plugin write bumps it in the same transaction, so
 * every Gatewatch instance can tell, with one cheap read, whether its cached precedence table is stale.
 */
export const configVersion = pgTable("config_version", {
  key: text("key").primaryKey(),
  version: bigint("version", { mode: "number" }).notNull(),
  changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
});
