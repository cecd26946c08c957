import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { statsdDelivery } from "@/db/schema";
import { createTestDb, type TestDb, testBackends } from "@/db/testing";
import { appRouter } from "@/server/routers/_app";
import { createCallerFactory } from "@/server/trpc";
import { createEntity } from "../../../entities/entities";
import { ingestBatch } from "../../../ingest/ingest-batch";
import type { IngestBatch, IngestEvent } from "../../../ingest/types";
import { createPlugin, deletePlugin, updatePlugin } from "../../../plugins/plugins";
import { persistStatsdDelivery } from "../delivery";
import { compileStatsdFormatter } from "../format";
import { createStatsdObserver, type StatsdObserver } from "../observer";
import { combineDatagrams } from "../packets";
import {
  event,
  freePort,
  statsdConfig,
  type TcpSink,
  tcpSink,
  type UdpSink,
  udpSink,
  unmatchedEvent,
} from "./helpers";

const HOST = "gw-1.example.com";
const NODE_ID = "0f0e0d0c-0b0a-4909-8807-060504030201";
const WS = "6b3f1b8e-9a54-4c1e-8a3e-2f6d5b9e0a11";
const createCaller = createCallerFactory(appRouter);

function batch(events: IngestEvent[], extra: Partial<IngestBatch> = {}): IngestBatch {
  return {
    batchId: null,
    node: { id: NODE_ID, hostname: HOST, version: "3.9.3" },
    events,
    stats: [],
    ...extra,
  };
}

const waitFor = async (check: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(testBackends())("statsd observer end to end (%s)", (kind) => {
  let t: TestDb;
  let ids: { service: string; route: string; consumer: string; api: string; service2: string };
  const cleanup: (() => Promise<void>)[] = [];
  let observer: StatsdObserver;

  /** Events against the entities created in beforeAll (Kong's statsd1 fixture). */
  const matched = (o: Partial<IngestEvent> = {}) =>
    event({
      serviceId: ids.service,
      routeId: ids.route,
      consumerId: ids.consumer,
      workspaceId: WS,
      ...o,
    });
  const legacy = (o: Partial<IngestEvent> = {}) =>
    event({
      serviceId: null,
      serviceName: null,
      serviceHost: null,
      routeId: null,
      apiId: ids.api,
      apiName: "stastd1.example",
      consumerId: ids.consumer,
      workspaceId: WS,
      ...o,
    });
  const unmatched = () => unmatchedEvent({ workspaceId: WS });

  async function udp(): Promise<UdpSink> {
    const s = await udpSink();
    cleanup.push(s.close);
    return s;
  }
  async function tcp(port?: number): Promise<TcpSink> {
    const s = await tcpSink(port);
    cleanup.push(s.close);
    return s;
  }
  async function plugin(body: Record<string, unknown>): Promise<string> {
    const p = await createPlugin(t.db, { name: "statsd", ...body });
    cleanup.push(() => deletePlugin(t.db, p.id as string));
    return p.id as string;
  }

  beforeAll(async () => {
    t = await createTestDb(kind);
    const svc = await createEntity(t.db, "services", { name: "statsd1", host: "statsd1.example.internal" });
    const svc2 = await createEntity(t.db, "services", { name: "orders.v2", host: "orders.internal" });
    const route = await createEntity(t.db, "routes", { paths: ["/statsd1"], service: { id: svc.id } });
    const consumer = await createEntity(t.db, "consumers", { username: "bob.smith", custom_id: "robert" });
    const api = await createEntity(t.db, "apis", {
      name: "stastd1.example",
      upstream_url: "http://upstream.example",
      hosts: ["stastd1.example"],
    });
    ids = {
      service: svc.id as string,
      service2: svc2.id as string,
      route: route.id as string,
      consumer: consumer.id as string,
      api: api.id as string,
    };
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(async () => {
    await observer?.stop(2_000);
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const start = () => {
    observer = createStatsdObserver({ db: t.db, persistIntervalMs: 60_000 });
    return observer;
  };

  it("sends every default metric byte for byte over UDP: service, global.unmatched and legacy API traffic", async () => {
    const sink = await udp();
    const pluginId = await plugin({ config: { host: "127.0.0.1", port: sink.port } });
    start().afterCommit(batch([matched(), unmatched(), legacy()]));
    await observer.flush();
    const route = ids.route;
    expect(await sink.waitFor(30)).toEqual([
      "kong.service.statsd1.request.count:1|c",
      "kong.service.statsd1.latency:7|ms",
      "kong.service.statsd1.request.size:112|c",
      "kong.service.statsd1.status.200:1|c",
      "kong.service.statsd1.response.size:321|c",
      "kong.service.statsd1.user.uniques:robert|s",
      "kong.service.statsd1.user.robert.request.count:1|c",
      "kong.service.statsd1.upstream_latency:4|ms",
      "kong.service.statsd1.kong_latency:3|ms",
      "kong.service.statsd1.user.robert.status.200:1|c",
      `kong.service.statsd1.workspace.${WS}.status.200:1|c`,
      `kong.route.${route}.user.robert.status.200:1|c`,
      "kong.global.unmatched.request.count:1|c",
      "kong.global.unmatched.latency:7|ms",
      "kong.global.unmatched.request.size:112|c",
      "kong.global.unmatched.status.404:1|c",
      "kong.global.unmatched.response.size:321|c",
      "kong.global.unmatched.kong_latency:3|ms",
      `kong.global.unmatched.workspace.${WS}.status.404:1|c`,
      "kong.api.stastd1_example.request.count:1|c",
      "kong.api.stastd1_example.latency:7|ms",
      "kong.api.stastd1_example.request.size:112|c",
      "kong.api.stastd1_example.status.200:1|c",
      "kong.api.stastd1_example.response.size:321|c",
      "kong.api.stastd1_example.user.uniques:robert|s",
      "kong.api.stastd1_example.user.robert.request.count:1|c",
      "kong.api.stastd1_example.upstream_latency:4|ms",
      "kong.api.stastd1_example.kong_latency:3|ms",
      "kong.api.stastd1_example.user.robert.status.200:1|c",
      `kong.api.stastd1_example.workspace.${WS}.status.200:1|c`,
    ]);
    const delivery = await createCaller({ db: t.db }).statsd.delivery({ pluginId });
    expect(delivery).toMatchObject({
      sentLines: 30,
      sentPackets: 30,
      droppedLines: 0,
      queuedLines: 0,
      lastError: null,
    });
  });

  it("follows Kong's precedence: the most specific enabled instance covers a request", async () => {
    const global = await udp();
    const perService = await udp();
    const perRoute = await udp();
    const count = [{ name: "request_count", stat_type: "counter", sample_rate: 1 }];
    await plugin({ config: { host: "127.0.0.1", port: global.port, prefix: "global", metrics: count } });
    await plugin({
      service: { id: ids.service },
      config: { host: "127.0.0.1", port: perService.port, prefix: "svc", metrics: count },
    });
    await plugin({
      service: { id: ids.service },
      route: { id: ids.route },
      enabled: false,
      config: { host: "127.0.0.1", port: perRoute.port, prefix: "route", metrics: count },
    });
    start().afterCommit(
      batch([
        matched(),
        unmatched(),
        legacy(),
        matched({ serviceId: ids.service2, serviceName: "orders.v2", routeId: null }),
      ]),
    );
    await observer.flush();
    expect(await perService.waitFor(1)).toEqual(["svc.service.statsd1.request.count:1|c"]);
    expect(await global.waitFor(3)).toEqual([
      "global.global.unmatched.request.count:1|c",
      "global.api.stastd1_example.request.count:1|c",
      "global.service.orders_v2.request.count:1|c",
    ]);
    expect(perRoute.datagrams).toEqual([]);
  });

  it("sends nothing for statuses outside allow_status_codes", async () => {
    const sink = await udp();
    await plugin({
      config: {
        host: "127.0.0.1",
        port: sink.port,
        allow_status_codes: ["200-299", "500-504"],
        metrics: [{ name: "status_count", stat_type: "counter", sample_rate: 1 }],
      },
    });
    start().afterCommit(batch([200, 404, 503, 299, 505, 100].map((status) => matched({ status }))));
    await observer.flush();
    expect(await sink.waitFor(3)).toEqual([
      "kong.service.statsd1.status.200:1|c",
      "kong.service.statsd1.status.503:1|c",
      "kong.service.statsd1.status.299:1|c",
    ]);
  });

  it("every tag style, with the fixed tag order, and untagged lines without a service", async () => {
    const sink = await udp();
    const metrics = [
      { name: "request_count", stat_type: "counter", sample_rate: 0.5 },
      { name: "status_count", stat_type: "counter", sample_rate: 1 },
      { name: "latency", stat_type: "timer" },
    ];
    const id = await plugin({ config: { host: "127.0.0.1", port: sink.port, metrics } });
    start();
    const tags = {
      dogstatsd: `|#service:statsd1,route:${ids.route},workspace:${WS},consumer:robert,node:gw-1_example_com,status:200`,
      influxdb: `service=statsd1,route=${ids.route},workspace=${WS},consumer=robert,node=gw-1_example_com,status=200`,
    };
    const expected: Record<string, string[]> = {
      dogstatsd: [`kong.request.count:1|c|@0.5${tags.dogstatsd}`, `kong.latency:7|ms${tags.dogstatsd}`],
      influxdb: [`kong.request.count,${tags.influxdb}:1|c|@0.5`, `kong.latency,${tags.influxdb}:7|ms`],
      librato: [`kong.request.count#${tags.influxdb}:1|c|@0.5`, `kong.latency#${tags.influxdb}:7|ms`],
      signalfx: [`kong.request.count[${tags.influxdb}]:1|c|@0.5`, `kong.latency[${tags.influxdb}]:7|ms`],
    };
    for (const style of ["dogstatsd", "influxdb", "librato", "signalfx"]) {
      await updatePlugin(t.db, id, { config: { tag_style: style } });
      const before = sink.datagrams.length;
      observer.afterCommit(batch([matched(), unmatched()]));
      await observer.flush();
      await sink.waitFor(before + 4);
      expect(sink.datagrams.slice(before)).toEqual([
        ...expected[style],
        "kong.request.count:1|c|@0.5",
        "kong.latency:7|ms",
      ]);
    }
  });

  it("combines datagrams across a batch with udp_packet_size, and writes a newline per line over TCP", async () => {
    const sink = await udp();
    const stream = await tcp();
    const udpId = await plugin({
      config: {
        host: "127.0.0.1",
        port: sink.port,
        udp_packet_size: 200,
        queue: { max_batch_size: 10, max_coalescing_delay: 0.2 },
      },
    });
    start().afterCommit(batch([matched(), matched({ status: 500, latProxy: null })]));
    await observer.flush();
    const formatter = compileStatsdFormatter(statsdConfig());
    const all = [
      ...formatter.format(matched(), HOST),
      ...formatter.format(matched({ status: 500, latProxy: null }), HOST),
    ];
    expect(all).toHaveLength(23);
    const expected = combineDatagrams(all, 200);
    expect(await sink.waitFor(expected.length)).toEqual(expected);
    for (const d of sink.datagrams) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(201);

    await updatePlugin(t.db, udpId, { config: { host: "127.0.0.1", port: stream.port, use_tcp: true } });
    observer.afterCommit(batch([matched()]));
    await observer.flush();
    const text = await stream.waitForText((s) => s.split("\n").length > 12);
    expect(text).toBe(`${all.slice(0, 12).join("\n")}\n`);
  });

  it("hostname_in_prefix, and shdict_usage from the node's stats at most once a minute", async () => {
    const sink = await udp();
    await plugin({
      config: {
        host: "127.0.0.1",
        port: sink.port,
        hostname_in_prefix: true,
        metrics: [
          { name: "request_count", stat_type: "counter", sample_rate: 1 },
          { name: "shdict_usage", stat_type: "gauge", sample_rate: 1 },
        ],
      },
    });
    const stats = (at: number, free: number) => ({
      at,
      cacheHits: 0,
      cacheMisses: 0,
      datastoreReachable: true,
      connections: null,
      shdict: {
        kong: { capacity: 5242880, freeSpace: free },
        kong_locks: { capacity: 8192, freeSpace: 4096 },
      },
    });
    const T = 1_732_212_345;
    start();
    observer.afterCommit(batch([matched(), matched()], { stats: [stats(T - 1, 1), stats(T, 5000000)] }));
    observer.afterCommit(batch([matched()], { stats: [stats(T + 60, 4000000)] }));
    observer.afterCommit(batch([matched()], { stats: [stats(T + 61, 3000000)] }));
    await observer.flush();
    const count = "kong.node.gw-1_example_com.service.statsd1.request.count:1|c";
    const dicts = (free: number) => [
      `kong.node.gw-1_example_com.shdict.kong.free_space:${free}|g`,
      "kong.node.gw-1_example_com.shdict.kong.capacity:5242880|g",
      "kong.node.gw-1_example_com.shdict.kong_locks.free_space:4096|g",
      "kong.node.gw-1_example_com.shdict.kong_locks.capacity:8192|g",
    ];
    expect(await sink.waitFor(12)).toEqual([
      count,
      ...dicts(5000000),
      count,
      count,
      count,
      ...dicts(3000000),
    ]);
  });

  it("ingestBatch → afterCommit → StatsD, once per batch_id", async () => {
    const sink = await udp();
    await plugin({
      config: {
        host: "127.0.0.1",
        port: sink.port,
        metrics: [{ name: "request_count", stat_type: "counter", sample_rate: 1 }],
      },
    });
    start();
    const now = Date.now();
    const b = batch([matched({ startedAt: now - 1000 }), unmatched()], { batchId: `statsd-${randomUUID()}` });
    b.events[1].startedAt = now - 500;
    const first = await ingestBatch(t.db, b, { observers: [observer] });
    expect(first.accepted).toBe(true);
    const again = await ingestBatch(t.db, b, { observers: [observer] });
    expect(again.accepted).toBe(false);
    await observer.flush();
    await sink.waitFor(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.datagrams).toEqual([
      "kong.service.statsd1.request.count:1|c",
      "kong.global.unmatched.request.count:1|c",
    ]);
  });

  it("a StatsD server that is down, then comes back: retried within the queue's limits, drops counted and shown", async () => {
    const port = await freePort();
    const pluginId = await plugin({
      config: {
        host: "127.0.0.1",
        port,
        use_tcp: true,
        metrics: [{ name: "status_count", stat_type: "counter", sample_rate: 1 }],
        queue: { max_entries: 3, initial_retry_delay: 0.05, max_retry_delay: 0.1, max_retry_time: 30 },
      },
    });
    start().afterCommit(batch([201, 202, 203, 204, 205].map((status) => matched({ status }))));
    const caller = createCaller({ db: t.db });
    await waitFor(async () => (await caller.statsd.delivery({ pluginId })).failedAttempts >= 3);
    const down = await caller.statsd.delivery({ pluginId });
    expect(down).toMatchObject({
      sentLines: 0,
      droppedLines: 1, // 202: the oldest waiting entry when 205 arrived at max_entries 3
      retryingBatches: 1,
      queuedLines: 4,
      lastError: `failed to connect to 127.0.0.1:${port}: connection refused`,
    });
    expect(down.lastErrorAt).toBeInstanceOf(Date);

    const sink = await tcp(port);
    const expected = [201, 203, 204, 205].map((s) => `kong.service.statsd1.status.${s}:1|c\n`).join("");
    expect(await sink.waitForText((s) => s.length >= expected.length)).toBe(expected);
    await observer.flush();
    const up = await caller.statsd.delivery({ pluginId });
    expect(up).toMatchObject({ sentLines: 4, droppedLines: 1, retryingBatches: 0, queuedLines: 0 });
    expect(up.failedAttempts).toBeGreaterThanOrEqual(3);
  });

  it("drops a batch after max_retry_time, persists the counters, and sums every Gatewatch instance", async () => {
    const port = await freePort();
    const pluginId = await plugin({
      config: {
        host: "127.0.0.1",
        port,
        use_tcp: true,
        metrics: [{ name: "request_count", stat_type: "counter", sample_rate: 1 }],
        queue: { initial_retry_delay: 0.05, max_retry_delay: 0.05, max_retry_time: 0.2 },
      },
    });
    start().afterCommit(batch([matched(), matched()]));
    await observer.flush();
    const caller = createCaller({ db: t.db });
    const gaveUp = await caller.statsd.delivery({ pluginId });
    expect(gaveUp).toMatchObject({
      sentLines: 0,
      droppedLines: 2,
      retryingBatches: 0,
      lastError: `queue ${pluginId}: could not send entries due to max_retry_time exceeded. 1 queue entries were lost`,
    });

    await persistStatsdDelivery(t.db);
    const rows = await t.db.select().from(statsdDelivery);
    expect(rows.find((r) => r.pluginId === pluginId)).toMatchObject({ droppedLines: 2, sentLines: 0 });
    await t.db.insert(statsdDelivery).values({
      pluginId,
      instanceId: "other-gatewatch:1",
      sentLines: 100,
      sentPackets: 100,
      sentBytes: 4000,
      droppedLines: 5,
      failedAttempts: 1,
      queuedLines: 7,
      retryingBatches: 1,
      lastError: "older error",
      lastErrorAt: new Date(Date.now() - 3_600_000),
      updatedAt: new Date(),
    });
    const summed = await caller.statsd.delivery({ pluginId });
    expect(summed).toMatchObject({
      sentLines: 100,
      droppedLines: 7,
      queuedLines: 7,
      retryingBatches: 1,
      activeInstances: 2,
      lastError: gaveUp.lastError,
    });
  });

  it("rejects a malformed plugin id with BAD_REQUEST", async () => {
    await expect(createCaller({ db: t.db }).statsd.delivery({ pluginId: "nope" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
