import dgram from "node:dgram";
import { lookup } from "node:dns/promises";
import net from "node:net";
import { combineDatagrams, tcpPayload } from "./packets";

export type StatsdTarget = { host: string; port: number; useTcp: boolean; udpPacketSize: number };
export type SendResult = { packets: number; bytes: number };

/** A failed batch send, with Kong's log wording (`failed to connect to host:port: connection refused`). */
export class StatsdSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StatsdSendError";
  }
}

/** Kong 3.9 sets a 1 s timeout on its TCP socket (statsd_logger.lua `settimeout(1000)`). */
const TCP_TIMEOUT_MS = 1000;
/** An idle connection is closed after this long (Kong's cosocket keepalive pool uses 60 s). */
const IDLE_CLOSE_MS = 10_000;
const DNS_TTL_MS = 30_000;
const resolved = new Map<string, { address: string; family: 4 | 6; until: number }>();

async function resolveHost(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const ipFamily = net.isIP(host);
  if (ipFamily === 4 || ipFamily === 6) return { address: host, family: ipFamily };
  const cached = resolved.get(host);
  if (cached && cached.until > Date.now()) return cached;
  const { address, family } = await lookup(host);
  const entry = {
    address,
    family: family === 6 ? (6 as const) : (4 as const),
    until: Date.now() + DNS_TTL_MS,
  };
  resolved.set(host, entry);
  return entry;
}

/** nginx-style error text, as Kong prints it after "failed to connect to host:port: ". */
function describeError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ETIMEDOUT" || code === "TIMEOUT") return "timeout";
  if (code === "ECONNRESET") return "connection reset by peer";
  if (code === "EPIPE") return "broken pipe";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return `${(err as { hostname?: string }).hostname ?? ""} could not be resolved`;
  return err instanceof Error ? err.message : String(err);
}

const targetKey = (t: StatsdTarget) => `${t.useTcp ? "tcp" : "udp"}:${t.host}:${t.port}`;

type Connection = {
  key: string;
  /** UDP: the datagrams; TCP: one payload. */
  send(data: readonly string[]): Promise<SendResult>;
  close(): void;
  readonly broken: boolean;
};

/**
 * One plugin instance's link to its StatsD server: UDP datagrams combined per §1d.6, or a TCP stream with a
 * newline after every line (§1d.7). Resolves once the bytes are handed to the kernel; rejects with a
 * StatsdSendError when the batch cannot be delivered, which makes the queue retry it.
 *
 * Kong opens a UDP socket per batch and keeps TCP connections in its cosocket keepalive pool. Here both
 * protocols keep one connected socket per instance while it is busy (closed after 10 s idle, or at once
 * after an error): creating a Node socket per batch cost ~4× the CPU of the batch's sends (~200 µs against
 * ~50 µs for Kong's 12 default lines, measured on loopback), and the StatsD server sees the same datagrams
 * and the same stream, only from one source port.
 */
export class StatsdSender {
  private connection: Connection | null = null;
  /** Concurrent first sends (concurrency_limit -1) share one connect. */
  private connecting: Promise<Connection> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private lastUsed = 0;

  async send(target: StatsdTarget, lines: readonly string[]): Promise<SendResult> {
    if (lines.length === 0) return { packets: 0, bytes: 0 };
    this.lastUsed = performance.now();
    const key = targetKey(target);
    if (this.connection && (this.connection.broken || this.connection.key !== key)) this.close();
    try {
      if (!this.connection) {
        this.connecting ??= connect(target, key).finally(() => {
          this.connecting = null;
        });
        this.connection = await this.connecting;
      }
      this.armIdleTimer();
      const data = target.useTcp ? [tcpPayload(lines)] : combineDatagrams(lines, target.udpPacketSize);
      return await this.connection.send(data);
    } catch (err) {
      this.close();
      if (err instanceof StatsdSendError) throw err;
      throw new StatsdSendError(`failed to connect to ${target.host}:${target.port}: ${describeError(err)}`, {
        cause: err,
      });
    }
  }

  close(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.connection?.close();
    this.connection = null;
  }

  /** One timer per connection, re-armed while batches keep coming (cheaper than one per batch). */
  private armIdleTimer(): void {
    if (this.idleTimer) return;
    const check = () => {
      const idle = performance.now() - this.lastUsed;
      if (idle >= IDLE_CLOSE_MS) {
        this.idleTimer = null;
        this.close();
      } else {
        this.idleTimer = setTimeout(check, IDLE_CLOSE_MS - idle);
        this.idleTimer.unref();
      }
    };
    this.idleTimer = setTimeout(check, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }
}

async function connect(target: StatsdTarget, key: string): Promise<Connection> {
  const peer = await resolveHost(target.host);
  return target.useTcp ? connectTcp(target, key, peer.address) : connectUdp(target, key, peer);
}

function connectUdp(
  target: StatsdTarget,
  key: string,
  peer: { address: string; family: 4 | 6 },
): Promise<Connection> {
  const where = `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(peer.family === 6 ? "udp6" : "udp4");
    let asyncError: unknown = null;
    let broken = false;
    let fresh = true;
    // A connected UDP socket reports an ICMP "port unreachable" as ECONNREFUSED on a later send or as an
    // 'error' event (sends without a callback report there too). On a socket's first batch we look once
    // more before reporting success, as on loopback the refusal arrives within a turn of the event loop;
    // later, a refusal fails the next batch. For remote hosts it may come too late to see, as for Kong.
    socket.on("error", (err) => {
      asyncError ??= err;
      broken = true;
    });
    socket.once("error", reject);
    socket.connect(target.port, peer.address, () => {
      socket.off("error", reject);
      resolve({
        key,
        get broken() {
          return broken;
        },
        close: () => {
          broken = true;
          socket.close();
        },
        send: (datagrams) =>
          new Promise((done, fail) => {
            let bytes = 0;
            const finish = (err?: unknown) => {
              const failure = err ?? asyncError;
              if (failure) {
                broken = true;
                fail(
                  new StatsdSendError(`failed to send data to ${where}: ${describeError(failure)}`, {
                    cause: failure,
                  }),
                );
              } else {
                done({ packets: datagrams.length, bytes });
              }
            };
            const last = datagrams.length - 1;
            for (let i = 0; i < last; i++) {
              bytes += Buffer.byteLength(datagrams[i]);
              socket.send(datagrams[i]);
            }
            bytes += Buffer.byteLength(datagrams[last]);
            socket.send(datagrams[last], (err) => {
              if (err || !fresh) return finish(err);
              fresh = false;
              setImmediate(() => setImmediate(finish));
            });
          }),
      });
    });
  });
}

function connectTcp(target: StatsdTarget, key: string, address: string): Promise<Connection> {
  const where = `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port: target.port });
    let connected = false;
    let broken = false;
    const waiting = new Set<(err: unknown) => void>();
    const onError = (err: unknown) => {
      broken = true;
      socket.destroy();
      if (!connected) reject(err);
      for (const fail of waiting) fail(err);
      waiting.clear();
    };
    // Kong's 1 s timeout covers the connect and every write; an idle connection is simply let go.
    socket.setTimeout(TCP_TIMEOUT_MS, () =>
      onError(Object.assign(new Error("timeout"), { code: "TIMEOUT" })),
    );
    socket.on("error", onError);
    // The server closing its side ends this connection; the next batch connects again.
    socket.on("end", () => {
      broken = true;
      socket.destroy();
    });
    socket.on("close", () => {
      broken = true;
    });
    socket.on("connect", () => {
      connected = true;
      resolve({
        key,
        get broken() {
          return broken;
        },
        close: () => {
          broken = true;
          socket.end();
          socket.destroy();
        },
        send: ([payload]) =>
          new Promise((done, fail) => {
            const buffer = Buffer.from(payload);
            const failThis = (err: unknown) =>
              fail(
                new StatsdSendError(`failed to send data to ${where}: ${describeError(err)}`, { cause: err }),
              );
            waiting.add(failThis);
            socket.write(buffer, (err) => {
              if (!waiting.delete(failThis)) return;
              if (err) failThis(err);
              else done({ packets: 1, bytes: buffer.length });
            });
          }),
      });
    });
  });
}
