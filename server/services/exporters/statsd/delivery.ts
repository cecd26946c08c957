import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { statsdDelivery } from "@/db/schema";
import type { SendResult } from "./transport";

/** Live counters of one plugin instance in this process (cumulative since the process started). */
export type DeliveryCounters = {
  sentLines: number;
  sentPackets: number;
  sentBytes: number;
  droppedLines: number;
  failedAttempts: number;
  lastError: string | null;
  lastErrorAt: number | null;
  lastSentAt: number | null;
  /** Gauges read from the instance's queue. */
  queuedLines(): number;
  retryingBatches(): number;
  /** Changed since the last write to the database. */
  dirty: boolean;
};

type Registry = { instanceId: string; plugins: Map<string, DeliveryCounters> };

declare global {
  // Next bundles route handlers and the runtime separately; both must see one registry.
  var __gatewatchStatsdDelivery: Registry | undefined;
}

function registry(): Registry {
  globalThis.__gatewatchStatsdDelivery ??= {
    instanceId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    plugins: new Map(),
  };
  return globalThis.__gatewatchStatsdDelivery;
}

/** This process's counters for a plugin instance, created on first use. */
export function deliveryCounters(pluginId: string): DeliveryCounters {
  const plugins = registry().plugins;
  let counters = plugins.get(pluginId);
  if (!counters) {
    counters = {
      sentLines: 0,
      sentPackets: 0,
      sentBytes: 0,
      droppedLines: 0,
      failedAttempts: 0,
      lastError: null,
      lastErrorAt: null,
      lastSentAt: null,
      queuedLines: () => 0,
      retryingBatches: () => 0,
      dirty: true,
    };
    plugins.set(pluginId, counters);
  }
  return counters;
}

export function recordSent(c: DeliveryCounters, lines: number, result: SendResult): void {
  c.sentLines += lines;
  c.sentPackets += result.packets;
  c.sentBytes += result.bytes;
  c.lastSentAt = Date.now();
  c.dirty = true;
}

export function recordDropped(c: DeliveryCounters, lines: number, reason: string): void {
  c.droppedLines += lines;
  recordError(c, reason);
}

export function recordFailure(c: DeliveryCounters, err: unknown): void {
  c.failedAttempts++;
  recordError(c, err instanceof Error ? err.message : String(err));
}

export function recordError(c: DeliveryCounters, message: string): void {
  c.lastError = message;
  c.lastErrorAt = Date.now();
  c.dirty = true;
}

/** Writes this process's changed counters (absolute values; the row belongs to this process alone). */
export async function persistStatsdDelivery(db: Db): Promise<void> {
  const { instanceId, plugins } = registry();
  const rows = [];
  for (const [pluginId, c] of plugins) {
    // Busy queues are written every time so that their gauges stay fresh.
    if (!c.dirty && c.queuedLines() === 0 && c.retryingBatches() === 0) continue;
    c.dirty = false;
    rows.push({
      pluginId,
      instanceId,
      sentLines: c.sentLines,
      sentPackets: c.sentPackets,
      sentBytes: c.sentBytes,
      droppedLines: c.droppedLines,
      failedAttempts: c.failedAttempts,
      queuedLines: c.queuedLines(),
      retryingBatches: c.retryingBatches(),
      lastError: c.lastError,
      lastErrorAt: c.lastErrorAt === null ? null : new Date(c.lastErrorAt),
      lastSentAt: c.lastSentAt === null ? null : new Date(c.lastSentAt),
      updatedAt: new Date(),
    });
  }
  if (rows.length === 0) return;
  try {
    await db
      .insert(statsdDelivery)
      .values(rows)
      .onConflictDoUpdate({
        target: [statsdDelivery.pluginId, statsdDelivery.instanceId],
        set: {
          sentLines: sql`excluded.sent_lines`,
          sentPackets: sql`excluded.sent_packets`,
          sentBytes: sql`excluded.sent_bytes`,
          droppedLines: sql`excluded.dropped_lines`,
          failedAttempts: sql`excluded.failed_attempts`,
          queuedLines: sql`excluded.queued_lines`,
          retryingBatches: sql`excluded.retrying_batches`,
          lastError: sql`excluded.last_error`,
          lastErrorAt: sql`excluded.last_error_at`,
          lastSentAt: sql`excluded.last_sent_at`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  } catch (err) {
    for (const row of rows) deliveryCounters(row.pluginId).dirty = true;
    throw err;
  }
}

export type StatsdDeliveryStatus = {
  pluginId: string;
  sentLines: number;
  sentPackets: number;
  sentBytes: number;
  droppedLines: number;
  failedAttempts: number;
  /** Lines waiting or being sent, over the Gatewatch instances that reported recently. */
  queuedLines: number;
  /** Batches currently between retries. */
  retryingBatches: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastSentAt: Date | null;
  /** Gatewatch instances that reported for this plugin recently. */
  activeInstances: number;
};

/** A row older than this no longer counts for the live gauges (its process has stopped reporting). */
const GAUGE_FRESHNESS_MS = 60_000;

/**
 * Delivery health of a plugin instance over every Gatewatch instance: the persisted rows, with this
 * process's row replaced by its live counters.
 */
export async function getStatsdDelivery(db: Db, pluginId: string): Promise<StatsdDeliveryStatus> {
  const { instanceId, plugins } = registry();
  const rows = await db.select().from(statsdDelivery).where(eq(statsdDelivery.pluginId, pluginId));
  const live = plugins.get(pluginId);
  const now = Date.now();
  const merged = rows.filter((r) => !(live && r.instanceId === instanceId));
  if (live) {
    merged.push({
      pluginId,
      instanceId,
      sentLines: live.sentLines,
      sentPackets: live.sentPackets,
      sentBytes: live.sentBytes,
      droppedLines: live.droppedLines,
      failedAttempts: live.failedAttempts,
      queuedLines: live.queuedLines(),
      retryingBatches: live.retryingBatches(),
      lastError: live.lastError,
      lastErrorAt: live.lastErrorAt === null ? null : new Date(live.lastErrorAt),
      lastSentAt: live.lastSentAt === null ? null : new Date(live.lastSentAt),
      updatedAt: new Date(now),
    });
  }
  const status: StatsdDeliveryStatus = {
    pluginId,
    sentLines: 0,
    sentPackets: 0,
    sentBytes: 0,
    droppedLines: 0,
    failedAttempts: 0,
    queuedLines: 0,
    retryingBatches: 0,
    lastError: null,
    lastErrorAt: null,
    lastSentAt: null,
    activeInstances: 0,
  };
  for (const r of merged) {
    status.sentLines += r.sentLines;
    status.sentPackets += r.sentPackets;
    status.sentBytes += r.sentBytes;
    status.droppedLines += r.droppedLines;
    status.failedAttempts += r.failedAttempts;
    if (now - r.updatedAt.getTime() <= GAUGE_FRESHNESS_MS) {
      status.queuedLines += r.queuedLines;
      status.retryingBatches += r.retryingBatches;
      status.activeInstances++;
    }
    if (r.lastErrorAt && (!status.lastErrorAt || r.lastErrorAt > status.lastErrorAt)) {
      status.lastErrorAt = r.lastErrorAt;
      status.lastError = r.lastError;
    }
    if (r.lastSentAt && (!status.lastSentAt || r.lastSentAt > status.lastSentAt))
      status.lastSentAt = r.lastSentAt;
  }
  return status;
}
