import { bigint, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * StatsD delivery health per (plugin instance, Gatewatch process). Each process keeps its counters in memory
 * and periodically overwrites its own row with absolute, cumulative values, so rows never conflict and the
 * plugin page sums them over every instance. `instance_id` is new for every process start: a restarted
 * process adds a row rather than resetting one. The gauges (queued lines, retrying batches) are only
 * meaningful for rows whose `updated_at` is recent. No foreign key: a deleted plugin must not fail a write.
 */
export const statsdDelivery = pgTable(
  "statsd_delivery",
  {
    pluginId: uuid("plugin_id").notNull(),
    instanceId: text("instance_id").notNull(),
    sentLines: bigint("sent_lines", { mode: "number" }).notNull().default(0),
    /** UDP datagrams, or TCP connections (one per batch). */
    sentPackets: bigint("sent_packets", { mode: "number" }).notNull().default(0),
    sentBytes: bigint("sent_bytes", { mode: "number" }).notNull().default(0),
    droppedLines: bigint("dropped_lines", { mode: "number" }).notNull().default(0),
    /** Failed send attempts (each retry that failed counts once). */
    failedAttempts: bigint("failed_attempts", { mode: "number" }).notNull().default(0),
    queuedLines: integer("queued_lines").notNull().default(0),
    retryingBatches: integer("retrying_batches").notNull().default(0),
    lastError: text("last_error"),
    lastErrorAt: timestamp("last_error_at", { withTimezone: true }),
    lastSentAt: timestamp("last_sent_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pluginId, t.instanceId] })],
);
