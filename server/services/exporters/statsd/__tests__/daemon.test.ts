import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/db/testing";
import { createEntity } from "../../../entities/entities";
import type { IngestBatch, IngestEvent } from "../../../ingest/types";
import { createPlugin, updatePlugin } from "../../../plugins/plugins";
import { createStatsdObserver, type StatsdObserver } from "../observer";
import { event, freePort, unmatchedEvent } from "./helpers";

/**
 * The real Etsy StatsD daemon (npm statsd 0.9.0, peers §3) on loopback, fed by the whole sender (precedence,
 * formatting, queue, sockets) over UDP and TCP. Each daemon flushes every 200 ms into a JSON-lines file
 * (the jsonl backend from peers §3); the assertions sum the flushes. A second daemon runs with
 * keyNameSanitize:false so that the raw tag formats can be seen (peers pitfall 5).
 */

const WS = "6b3f1b8e-9a54-4c1e-8a3e-2f6d5b9e0a11";
const HOST = "gw-1.example.com";

const JSONL_BACKEND = `const fs = require('fs');
exports.init = function (startupTime, config, events) {
  events.on('flush', function (timestamp, m) {
    const sets = {}; for (const k in m.sets) sets[k] = m.sets[k].values();
    fs.appendFileSync(config.jsonl.path, JSON.stringify({ timestamp, counters: m.counters, gauges: m.gauges,
      timers: m.timers, sets }) + '\\n');
  });
  return true;
};`;

type Flushes = {
  counters: Record<string, number>;
  gauges: Record<string, number>;
  timers: Record<string, number[]>;
  sets: Record<string, string[]>;
};

type Daemon = { port: number; file: string; child: ChildProcess; read(): Flushes };

async function startDaemon(dir: string, name: string, sanitize: boolean): Promise<Daemon> {
  const port = await freePort();
  const mgmt = await freePort();
  const file = path.join(dir, `${name}.jsonl`);
  const backend = path.join(dir, "jsonl-backend.js");
  writeFileSync(backend, JSONL_BACKEND);
  const config = path.join(dir, `${name}.js`);
  writeFileSync(
    config,
    `{
      servers: [
        { server: "./servers/udp", address: "127.0.0.1", port: ${port} },
        { server: "./servers/tcp", address: "127.0.0.1", port: ${port} }
      ],
      mgmt_address: "127.0.0.1", mgmt_port: ${mgmt},
      backends: [${JSON.stringify(backend)}],
      jsonl: { path: ${JSON.stringify(file)} },
      flushInterval: 200, deleteIdleStats: true, keyNameSanitize: ${sanitize},
      automaticConfigReload: false, title: false
    }`,
  );
  const child = spawn(process.execPath, [path.resolve("node_modules/statsd/stats.js"), config], {
    cwd: path.resolve("node_modules/statsd"),
    stdio: "ignore",
  });
  // Ready when the TCP listener answers (bounded wait).
  const until = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > until || child.exitCode !== null) throw new Error(`statsd ${name} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    file,
    child,
    read() {
      const sum: Flushes = { counters: {}, gauges: {}, timers: {}, sets: {} };
      if (!existsSync(file)) return sum;
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (!line) continue;
        const f = JSON.parse(line) as Flushes;
        for (const [k, v] of Object.entries(f.counters)) sum.counters[k] = (sum.counters[k] ?? 0) + v;
        Object.assign(sum.gauges, f.gauges);
        for (const [k, v] of Object.entries(f.timers)) sum.timers[k] = [...(sum.timers[k] ?? []), ...v];
        for (const [k, v] of Object.entries(f.sets))
          sum.sets[k] = [...new Set([...(sum.sets[k] ?? []), ...v])];
      }
      return sum;
    },
  };
}

async function until<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const stop = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > stop) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the real StatsD daemon receives Gatewatch's lines (npm statsd 0.9.0)", () => {
  let dir: string;
  let sanitized: Daemon;
  let raw: Daemon;
  let t: TestDb;
  let observer: StatsdObserver;
  let ids: { service: string; route: string; consumer: string; consumer2: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "gw-statsd-"));
    [sanitized, raw] = await Promise.all([
      startDaemon(dir, "sanitized", true),
      startDaemon(dir, "raw", false),
    ]);
    t = await createTestDb("pglite");
    const svc = await createEntity(t.db, "services", { name: "statsd1", host: "statsd1.example.internal" });
    const route = await createEntity(t.db, "routes", { paths: ["/statsd1"], service: { id: svc.id } });
    const c1 = await createEntity(t.db, "consumers", { username: "bob", custom_id: "robert" });
    const c2 = await createEntity(t.db, "consumers", { username: "alice", custom_id: "alice-1" });
    ids = {
      service: svc.id as string,
      route: route.id as string,
      consumer: c1.id as string,
      consumer2: c2.id as string,
    };
    observer = createStatsdObserver({ db: t.db, persistIntervalMs: 60_000 });
  });

  afterAll(async () => {
    await observer?.stop(2_000);
    await t?.close();
    for (const d of [sanitized, raw]) if (d?.child.exitCode === null) d.child.kill("SIGTERM");
    await Promise.all(
      [sanitized, raw].map((d) =>
        d && d.child.exitCode === null ? new Promise((r) => d.child.once("exit", r)) : Promise.resolve(),
      ),
    );
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const batch = (events: IngestEvent[], at = 1_732_212_345): IngestBatch => ({
    batchId: null,
    node: { id: "0f0e0d0c-0b0a-4909-8807-060504030201", hostname: HOST, version: "3.9.3" },
    events,
    stats: [
      {
        at,
        cacheHits: 0,
        cacheMisses: 0,
        datastoreReachable: true,
        connections: null,
        shdict: { kong: { capacity: 5242880, freeSpace: 5000000 } },
      },
    ],
  });
  const traffic = () => [
    event({ serviceId: ids.service, routeId: ids.route, consumerId: ids.consumer, workspaceId: WS }),
    event({
      serviceId: ids.service,
      routeId: ids.route,
      consumerId: ids.consumer2,
      consumerCustomId: "alice-1",
      consumerUsername: "alice",
      workspaceId: WS,
      status: 500,
      requestSize: 200,
      responseSize: 1000,
      latRequest: 20,
      latKong: 5,
      latProxy: 15,
    }),
    unmatchedEvent({ workspaceId: WS }),
  ];

  it("counters, timers, sets and gauges over UDP and over TCP", async () => {
    const pluginId = (
      await createPlugin(t.db, { name: "statsd", config: { host: "127.0.0.1", port: sanitized.port } })
    ).id as string;
    observer.afterCommit(batch(traffic()));
    await observer.flush();
    // The same traffic again over TCP, under another prefix.
    await updatePlugin(t.db, pluginId, { config: { use_tcp: true, prefix: "kongtcp" } });
    observer.afterCommit(batch(traffic(), 1_732_212_345 + 120));
    await observer.flush();

    const got = await until(
      () => sanitized.read(),
      (f) =>
        f.counters["kongtcp.global.unmatched.request.count"] === 1 &&
        f.sets["kongtcp.service.statsd1.user.uniques"]?.length === 2,
    );
    for (const prefix of ["kong", "kongtcp"]) {
      const s = `${prefix}.service.statsd1`;
      expect(got.counters).toMatchObject({
        [`${s}.request.count`]: 2,
        [`${s}.request.size`]: 312,
        [`${s}.response.size`]: 1321,
        [`${s}.status.200`]: 1,
        [`${s}.status.500`]: 1,
        [`${s}.user.robert.request.count`]: 1,
        [`${s}.user.alice-1.request.count`]: 1,
        [`${s}.user.robert.status.200`]: 1,
        [`${s}.user.alice-1.status.500`]: 1,
        [`${s}.workspace.${WS}.status.200`]: 1,
        [`${s}.workspace.${WS}.status.500`]: 1,
        [`${prefix}.route.${ids.route}.user.robert.status.200`]: 1,
        [`${prefix}.route.${ids.route}.user.alice-1.status.500`]: 1,
        [`${prefix}.global.unmatched.request.count`]: 1,
        [`${prefix}.global.unmatched.status.404`]: 1,
        [`${prefix}.global.unmatched.workspace.${WS}.status.404`]: 1,
      });
      expect(got.timers[`${s}.latency`]?.sort((a, b) => a - b)).toEqual([7, 20]);
      expect(got.timers[`${s}.upstream_latency`]?.sort((a, b) => a - b)).toEqual([4, 15]);
      expect(got.timers[`${s}.kong_latency`]?.sort((a, b) => a - b)).toEqual([3, 5]);
      expect(got.timers[`${prefix}.global.unmatched.latency`]).toEqual([7]);
      expect(got.timers[`${prefix}.global.unmatched.upstream_latency`]).toBeUndefined();
      expect(got.sets[`${s}.user.uniques`]?.sort()).toEqual(["alice-1", "robert"]);
      expect(got.gauges[`${prefix}.node.gw-1_example_com.shdict.kong.free_space`]).toBe(5000000);
      expect(got.gauges[`${prefix}.node.gw-1_example_com.shdict.kong.capacity`]).toBe(5242880);
    }
    // Every line was valid for the daemon.
    expect(got.counters["statsd.bad_lines_seen"] ?? 0).toBe(0);
  });

  it("sample rates scale counters; every tag style arrives with its raw key", async () => {
    const metrics = [
      { name: "request_count", stat_type: "counter", sample_rate: 0.5 },
      { name: "latency", stat_type: "timer" },
    ];
    const pluginId = (
      await createPlugin(t.db, {
        name: "statsd",
        service: { id: ids.service },
        config: { host: "127.0.0.1", port: raw.port, prefix: "tagged", metrics, tag_style: "dogstatsd" },
      })
    ).id as string;
    const one = () => [
      event({ serviceId: ids.service, routeId: ids.route, consumerId: ids.consumer, workspaceId: WS }),
    ];
    observer.afterCommit(batch(one()));
    await observer.flush();
    for (const style of ["influxdb", "librato", "signalfx"]) {
      await updatePlugin(t.db, pluginId, { config: { tag_style: style } });
      observer.afterCommit(batch(one()));
      await observer.flush();
    }
    const kv = `service=statsd1,route=${ids.route},workspace=${WS},consumer=robert,node=gw-1_example_com,status=200`;
    const dog = `service=statsd1;route=${ids.route};workspace=${WS};consumer=robert;node=gw-1_example_com;status=200`;
    const got = await until(
      () => raw.read(),
      (f) => f.timers[`tagged.latency[${kv}]`] !== undefined,
    );
    // A counter line with |@0.5 counts as 2 (the daemon scales by 1/rate).
    expect(got.counters).toMatchObject({
      [`tagged.request.count;${dog}`]: 2,
      [`tagged.request.count,${kv}`]: 2,
      [`tagged.request.count#${kv}`]: 2,
      [`tagged.request.count[${kv}]`]: 2,
    });
    expect(got.timers).toMatchObject({
      [`tagged.latency;${dog}`]: [7],
      [`tagged.latency,${kv}`]: [7],
      [`tagged.latency#${kv}`]: [7],
      [`tagged.latency[${kv}]`]: [7],
    });
    expect(got.counters["statsd.bad_lines_seen"] ?? 0).toBe(0);
  });
});
