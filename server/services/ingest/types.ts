/**
 * A validated, normalised ingest batch: what every consumer of ingested traffic sees (rollups, the
 * Prometheus counters, the StatsD sender). Field meanings follow Kong's log serializer (DESIGN §2).
 */
export type IngestEvent = {
  /** Request start, unix milliseconds. */
  startedAt: number;
  serviceId: string | null;
  serviceName: string | null;
  serviceHost: string | null;
  routeId: string | null;
  routeName: string | null;
  /** Legacy API entity (Kong ≤ 0.14); such traffic has no service. */
  apiId: string | null;
  apiName: string | null;
  consumerId: string | null;
  consumerUsername: string | null;
  consumerCustomId: string | null;
  workspaceId: string | null;
  workspaceName: string | null;
  status: number;
  requestSize: number;
  responseSize: number;
  /** `latencies.request`: total time, ms. */
  latRequest: number | null;
  /** `latencies.kong`: Kong's own time, ms (Vitals "proxy latency"). */
  latKong: number | null;
  /** `latencies.proxy`: upstream time, ms; null when Kong answered itself (-1 or absent). */
  latProxy: number | null;
};

export type NodeConnections = {
  active: number;
  reading: number;
  writing: number;
  waiting: number;
  accepted: number;
  handled: number;
  total: number;
};

/** A node-level stats sample (Vitals cache counters, nginx connections, datastore, shared dicts). */
export type NodeStatsSample = {
  /** unix seconds */
  at: number;
  cacheHits: number;
  cacheMisses: number;
  datastoreReachable: boolean | null;
  connections: NodeConnections | null;
  /** lua_shared_dict usage by dict name (statsd `shdict_usage`). */
  shdict: Record<string, { capacity: number; freeSpace: number }> | null;
};

export type IngestNode = { id: string; hostname: string; version: string | null };

export type IngestBatch = {
  /** null for sources that send no id (Kong http-log); such batches are not deduplicated. */
  batchId: string | null;
  node: IngestNode;
  /** Read lazily when the batch was parsed on a worker thread: use `eventCount` where a count will do. */
  readonly events: IngestEvent[];
  /** `events.length`, known without materialising the events. */
  eventCount?: number;
  stats: NodeStatsSample[];
};

export const eventCountOf = (batch: IngestBatch): number => batch.eventCount ?? batch.events.length;

export type IngestResult = {
  batchId: string | null;
  /** false when the batch_id was seen before: acknowledged, not counted again. */
  accepted: boolean;
  events: number;
  stats: number;
  /** Events outside a table's retention window are skipped for that table only. */
  skipped: Record<string, number>;
};
