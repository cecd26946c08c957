import dgram from "node:dgram";
import net from "node:net";
import { type StatsdConfig, statsdConfigSchema } from "@/lib/plugins/statsd";
import type { IngestEvent } from "../../../ingest/types";

export const SERVICE_ID = "5f1c3f4e-27b8-4b43-9a9e-0c8d7f5c0001";
export const ROUTE_ID = "5f1c3f4e-27b8-4b43-9a9e-0c8d7f5c0002";
export const CONSUMER_ID = "5f1c3f4e-27b8-4b43-9a9e-0c8d7f5c0003";
export const WORKSPACE_ID = "5f1c3f4e-27b8-4b43-9a9e-0c8d7f5c0004";
export const API_ID = "5f1c3f4e-27b8-4b43-9a9e-0c8d7f5c0005";

/** A config as Kong stores it: the input validated by the shared schema, every default filled in. */
export function statsdConfig(input: Record<string, unknown> = {}): StatsdConfig {
  return statsdConfigSchema.parse(input);
}

/** Kong's spec fixture: service `statsd1`, consumer custom_id `robert`, 200, sizes 112/321. */
export function event(overrides: Partial<IngestEvent> = {}): IngestEvent {
  return {
    startedAt: 1_732_212_345_123,
    serviceId: SERVICE_ID,
    serviceName: "statsd1",
    serviceHost: "statsd1.example.internal",
    routeId: ROUTE_ID,
    routeName: null,
    apiId: null,
    apiName: null,
    consumerId: CONSUMER_ID,
    consumerUsername: "bob.smith",
    consumerCustomId: "robert",
    workspaceId: WORKSPACE_ID,
    workspaceName: "default",
    status: 200,
    requestSize: 112,
    responseSize: 321,
    latRequest: 7,
    latKong: 3,
    latProxy: 4,
    ...overrides,
  };
}

/** A request that matched no route: no service, route or consumer (kong-plugins §1d.3). */
export function unmatchedEvent(overrides: Partial<IngestEvent> = {}): IngestEvent {
  return event({
    serviceId: null,
    serviceName: null,
    serviceHost: null,
    routeId: null,
    consumerId: null,
    consumerUsername: null,
    consumerCustomId: null,
    status: 404,
    latProxy: null,
    ...overrides,
  });
}

export type UdpSink = {
  port: number;
  datagrams: string[];
  /** Resolves once at least `n` datagrams arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
};

/** A raw UDP socket on loopback recording every datagram, byte for byte. */
export async function udpSink(): Promise<UdpSink> {
  const socket = dgram.createSocket("udp4");
  const datagrams: string[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (msg) => {
    datagrams.push(msg.toString("utf8"));
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    port: socket.address().port,
    datagrams,
    waitFor: (n, timeoutMs = 5_000) =>
      waitUntil(() => datagrams.length >= n, waiters, timeoutMs).then(() => datagrams),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

export type TcpSink = {
  port: number;
  /** Everything received, per connection, in arrival order. */
  streams: string[];
  connections: number;
  text(): string;
  waitForText(predicate: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
};

/** A raw TCP server on loopback recording each connection's byte stream. */
export async function tcpSink(port = 0): Promise<TcpSink> {
  const streams: string[] = [];
  const waiters: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    sockets.add(conn);
    const index = streams.push("") - 1;
    sink.connections++;
    conn.on("data", (chunk) => {
      streams[index] += chunk.toString("utf8");
      for (const w of waiters.splice(0)) w();
    });
    conn.on("close", () => sockets.delete(conn));
    conn.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const sink: TcpSink = {
    port: (server.address() as net.AddressInfo).port,
    streams,
    connections: 0,
    text: () => streams.join(""),
    waitForText: (predicate, timeoutMs = 5_000) =>
      waitUntil(() => predicate(sink.text()), waiters, timeoutMs).then(() => sink.text()),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return sink;
}

function waitUntil(done: () => boolean, waiters: (() => void)[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (done()) {
        clearTimeout(timer);
        resolve();
      } else {
        waiters.push(check);
      }
    };
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    check();
  });
}

/** A loopback port with nothing listening (bound, then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
