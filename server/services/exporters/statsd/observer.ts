import type { Db } from "@/db/client";
import type { StatsdConfig } from "@/lib/plugins/statsd";
import type { IngestObserver } from "../../ingest/observer";
import { eventCountOf, type IngestBatch, type IngestEvent } from "../../ingest/types";
import { type ActivePlugin, getPluginResolver, type PluginResolver } from "../../plugins/precedence";
import { createSendBudget, sendBudgetFromEnv } from "./budget";
import {
  type DeliveryCounters,
  deliveryCounters,
  persistStatsdDelivery,
  recordDropped,
  recordError,
  recordFailure,
  recordSent,
} from "./delivery";
import {
  compileStatsdFormatter,
  compileStatusFilter,
  type ShdictUsage,
  type StatsdFormatter,
} from "./format";
import { type QueueItem, queueParams, SendQueue } from "./queue";
import { StatsdSender, type StatsdTarget } from "./transport";

export type StatsdObserver = IngestObserver & {
  afterCommit(batch: IngestBatch): void;
  /** Resolves when everything ingested so far has been formatted, queued and sent (or dropped). */
  flush(): Promise<void>;
  /** Stops taking batches, sends what is queued (bounded by `timeoutMs`), writes the delivery counters. */
  stop(timeoutMs?: number): Promise<void>;
};

export type StatsdObserverOptions = {
  db: Db;
  /** How often the delivery counters are written to the database. */
  persistIntervalMs?: number;
  /** Share of the event loop the sender may use (see budget.ts); default STATSD_SEND_BUDGET or 0.1. */
  sendBudget?: number;
};

/**
 * A queued request. As in Kong, the lines are written when its batch is sent, with the instance's config
 * at that moment; entries the queue drops are never formatted. With max_bytes set the size must be known
 * on entry, so such entries are formatted at once.
 */
type Entry = QueueItem & {
  event: IngestEvent;
  hostname: string;
  shdict: ShdictUsage | null;
  lines: string[] | null;
};

/** Read by the queue at every send, so a config change applies to entries still queued (as in Kong). */
type Current = { target: StatsdTarget; formatter: StatsdFormatter };

/** One enabled plugin instance, compiled for its current config. */
type Instance = {
  /** The resolver's plugin object this was built from: the same object until the plugin config changes. */
  source: ActivePlugin<StatsdConfig>;
  configJson: string;
  formatter: StatsdFormatter;
  allowStatus: (status: number) => boolean;
  hasShdict: boolean;
  /** Entries are formatted on entry (max_bytes is set). */
  eager: boolean;
  current: Current;
  queue: SendQueue<Entry>;
  sender: StatsdSender;
  counters: DeliveryCounters;
};

/** shdict_usage goes out at most once per 60 s per node (Kong: worker 0, SHDICT_METRICS_SEND_THRESHOLD). */
const SHDICT_INTERVAL_S = 60;
/** Bound on events waiting to be formatted, so a stalled config read cannot grow memory without limit. */
const MAX_PENDING_EVENTS = 200_000;

const observers = new Set<StatsdObserver>();

/**
 * The StatsD sender (DESIGN §6, issue #6) as an ingest observer. afterCommit only queues the batch; the
 * lines are formatted on a later turn of the event loop and sent by each plugin instance's queue, so the
 * ingest reply never waits for StatsD and a slow or dead StatsD server only costs dropped lines.
 */
export function createStatsdObserver({
  db,
  persistIntervalMs = 5_000,
  sendBudget = sendBudgetFromEnv(),
}: StatsdObserverOptions): StatsdObserver {
  const budget = createSendBudget(sendBudget);
  const instances = new Map<string, Instance>();
  const shdictSentAt = new Map<string, number>();
  let pending: IngestBatch[] = [];
  let pendingEvents = 0;
  let drain: Promise<void> | null = null;
  let lastResolver: PluginResolver | null = null;
  let stopped = false;

  const persistTimer = setInterval(() => {
    persistStatsdDelivery(db).catch(() => {
      // The database is down: the counters stay dirty and are written on a later tick.
    });
  }, persistIntervalMs);
  persistTimer.unref();

  function instanceFor(plugin: ActivePlugin<StatsdConfig>): Instance {
    const existing = instances.get(plugin.id);
    if (existing?.source === plugin) return existing;
    const configJson = JSON.stringify(plugin.config);
    if (existing && existing.configJson === configJson) {
      existing.source = plugin;
      return existing;
    }
    const config = plugin.config;
    const target: StatsdTarget = {
      host: config.host,
      port: config.port,
      useTcp: config.use_tcp,
      udpPacketSize: config.udp_packet_size,
    };
    const formatter = compileStatsdFormatter(config);
    const params = queueParams(config);
    let instance: Instance;
    if (existing) {
      // Kong keeps a plugin's queue and always uses the latest configuration it has seen.
      existing.queue.setParams(params);
      existing.current.target = target;
      existing.current.formatter = formatter;
      instance = { ...existing, source: plugin, configJson, formatter };
    } else {
      const counters = deliveryCounters(plugin.id);
      const current: Current = { target, formatter };
      const sender = new StatsdSender();
      const queue = new SendQueue<Entry>(
        params,
        async (batch) => {
          await budget.wait();
          // Formatting and the socket writes run synchronously here; that is what the budget charges.
          const started = performance.now();
          const lines: string[] = [];
          for (const entry of batch) {
            entry.lines ??= current.formatter.format(entry.event, entry.hostname, entry.shdict);
            for (const line of entry.lines) lines.push(line);
          }
          const sending = sender.send(current.target, lines);
          budget.spend(performance.now() - started);
          const result = await sending;
          return { ...result, lines: lines.length };
        },
        {
          sent: (lines, result) => recordSent(counters, lines, result),
          dropped: (lines, reason) => recordDropped(counters, lines, reason),
          failed: (err) => recordFailure(counters, err),
          warn: (message) => {
            console.warn(`[statsd] ${message}`);
            recordError(counters, message);
          },
          info: (message) => console.info(`[statsd] ${message}`),
        },
        plugin.id,
      );
      counters.queuedLines = () => queue.queuedLines();
      counters.retryingBatches = () => queue.retrying();
      instance = {
        source: plugin,
        configJson,
        formatter,
        allowStatus: () => true,
        hasShdict: false,
        eager: false,
        current,
        queue,
        sender,
        counters,
      };
    }
    instance.allowStatus = compileStatusFilter(config.allow_status_codes);
    instance.hasShdict = config.metrics.some((m) => m.name === "shdict_usage");
    instance.eager = params.maxBytes !== null;
    instances.set(plugin.id, instance);
    return instance;
  }

  function latestShdict(batch: IngestBatch): { at: number; shdict: ShdictUsage } | null {
    let best: { at: number; shdict: ShdictUsage } | null = null;
    for (const s of batch.stats) {
      if (s.shdict && (!best || s.at >= best.at)) best = { at: s.at, shdict: s.shdict };
    }
    return best;
  }

  function processBatch(resolver: PluginResolver, batch: IngestBatch): void {
    const hostname = batch.node.hostname;
    const covering = new Map<string, Instance | null>();
    let shdict = latestShdict(batch);
    if (shdict && (shdictSentAt.get(batch.node.id) ?? 0) + SHDICT_INTERVAL_S >= shdict.at) shdict = null;
    for (const event of batch.events) {
      const instance = coveringInstance(resolver, covering, event);
      if (!instance?.allowStatus(event.status)) continue;
      let dicts: ShdictUsage | null = null;
      // Kong sends the node's dicts with the first request logged by an instance that lists shdict_usage.
      if (shdict && instance.hasShdict) {
        dicts = shdict.shdict;
        shdictSentAt.set(batch.node.id, shdict.at);
        shdict = null;
      }
      const entry: Entry = { event, hostname, shdict: dicts, lines: null, lineCount: 0, bytes: 0 };
      if (instance.eager) {
        const lines = instance.formatter.format(event, hostname, dicts);
        entry.lines = lines;
        entry.lineCount = lines.length;
        for (const line of lines) entry.bytes += Buffer.byteLength(line) + 1;
      } else {
        entry.lineCount = instance.formatter.count(event, dicts);
      }
      if (entry.lineCount > 0) instance.queue.enqueue(entry);
    }
  }

  function coveringInstance(
    resolver: PluginResolver,
    memo: Map<string, Instance | null>,
    e: IngestEvent,
  ): Instance | null {
    const key = `${e.serviceId}|${e.routeId}|${e.consumerId}|${e.apiId}`;
    let instance = memo.get(key);
    if (instance === undefined) {
      const plugin = resolver.resolve("statsd", {
        serviceId: e.serviceId,
        routeId: e.routeId,
        consumerId: e.consumerId,
        apiId: e.apiId,
      });
      instance = plugin ? instanceFor(plugin) : null;
      memo.set(key, instance);
    }
    return instance;
  }

  async function drainPending(): Promise<void> {
    while (pending.length > 0) {
      const batches = pending;
      pending = [];
      pendingEvents = 0;
      let resolver: PluginResolver | null;
      try {
        resolver = await getPluginResolver(db);
        lastResolver = resolver;
      } catch {
        // The plugin table cannot be read right now: keep using the last configuration seen.
        resolver = lastResolver;
      }
      if (!resolver || resolver.enabled("statsd").length === 0) continue;
      for (const batch of batches) processBatch(resolver, batch);
    }
  }

  function schedule(): void {
    if (drain) return;
    drain = new Promise<void>((resolve) => setImmediate(resolve))
      .then(drainPending)
      .catch((err) => console.error("[statsd] could not format a batch:", err))
      .finally(() => {
        drain = null;
        if (pending.length > 0) schedule();
      });
  }

  async function flush(): Promise<void> {
    while (drain || pending.length > 0) {
      if (!drain) schedule();
      await drain;
    }
    await Promise.all([...instances.values()].map((i) => i.queue.whenIdle()));
  }

  const observer: StatsdObserver = {
    name: "statsd",
    afterCommit(batch) {
      const count = eventCountOf(batch);
      if (stopped || count === 0) return;
      pendingEvents += count;
      pending.push(batch);
      while (pendingEvents > MAX_PENDING_EVENTS && pending.length > 1) {
        const old = pending.shift();
        const dropped = old ? eventCountOf(old) : 0;
        pendingEvents -= dropped;
        console.warn(`[statsd] formatting is behind; ${dropped} requests were not sent`);
      }
      schedule();
    },
    flush,
    async stop(timeoutMs = 5_000) {
      if (stopped) return;
      stopped = true;
      observers.delete(observer);
      clearInterval(persistTimer);
      const deadline = Date.now() + timeoutMs;
      while (drain || pending.length > 0) {
        if (!drain) schedule();
        await drain;
      }
      await Promise.all([...instances.values()].map((i) => i.queue.close(deadline)));
      for (const i of instances.values()) i.sender.close();
      await persistStatsdDelivery(db).catch((err) =>
        console.error("[statsd] could not write the delivery counters:", err),
      );
    },
  };
  observers.add(observer);
  return observer;
}

/** Flushes and stops every StatsD observer of this process (SIGTERM). */
export async function shutdownStatsd(timeoutMs = 5_000): Promise<void> {
  await Promise.all([...observers].map((o) => o.stop(timeoutMs)));
}
