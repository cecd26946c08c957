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

/**
 * Sends one batch's lines on a socket of its own, as Kong does for each queue batch (§1d.7): UDP datagrams
 * combined per §1d.6, or a TCP stream with a newline after every line. Resolves once the bytes are handed
 * to the kernel; rejects with a StatsdSendError when nothing can be delivered, which makes the queue retry.
 */
export async function sendStatsdLines(target: StatsdTarget, lines: readonly string[]): Promise<SendResult> {
  if (lines.length === 0) return { packets: 0, bytes: 0 };
  let peer: { address: string; family: 4 | 6 };
  try {
    peer = await resolveHost(target.host);
  } catch (err) {
    throw new StatsdSendError(`failed to connect to ${target.host}:${target.port}: ${describeError(err)}`, {
      cause: err,
    });
  }
  return target.useTcp ? sendTcp(target, peer.address, lines) : sendUdp(target, peer, lines);
}

function sendUdp(
  target: StatsdTarget,
  peer: { address: string; family: 4 | 6 },
  lines: readonly string[],
): Promise<SendResult> {
  const datagrams = combineDatagrams(lines, target.udpPacketSize).map((d) => Buffer.from(d));
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(peer.family === 6 ? "udp6" : "udp4");
    let failure: unknown = null;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      socket.close();
      if (failure) {
        const where = `${target.host}:${target.port}`;
        reject(
          new StatsdSendError(`failed to send data to ${where}: ${describeError(failure)}`, {
            cause: failure,
          }),
        );
      } else {
        resolve({ packets: datagrams.length, bytes: datagrams.reduce((n, d) => n + d.length, 0) });
      }
    };
    // A connected UDP socket reports an ICMP "port unreachable" as ECONNREFUSED on a later send or as an
    // 'error' event; on loopback it arrives within a turn of the event loop, so we look once more before
    // closing. For remote hosts such errors may come too late to see, exactly as for Kong.
    socket.on("error", (err) => {
      failure ??= err;
      finish();
    });
    socket.connect(target.port, peer.address, () => {
      let pending = datagrams.length;
      for (const datagram of datagrams) {
        socket.send(datagram, (err) => {
          if (err) failure ??= err;
          if (--pending === 0) setImmediate(() => setImmediate(finish));
        });
      }
    });
  });
}

function sendTcp(target: StatsdTarget, address: string, lines: readonly string[]): Promise<SendResult> {
  const payload = Buffer.from(tcpPayload(lines));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port: target.port });
    let connected = false;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const what = connected ? "failed to send data to" : "failed to connect to";
      reject(
        new StatsdSendError(`${what} ${target.host}:${target.port}: ${describeError(err)}`, { cause: err }),
      );
    };
    socket.setTimeout(TCP_TIMEOUT_MS, () => fail(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    socket.on("error", fail);
    socket.on("connect", () => {
      connected = true;
      socket.end(payload, () => {
        if (settled) return;
        settled = true;
        socket.setTimeout(0);
        // The peer may keep its side open; never let a finished batch hold the process.
        socket.unref();
        socket.once("end", () => socket.destroy());
        setTimeout(() => socket.destroy(), 5_000).unref();
        resolve({ packets: 1, bytes: payload.length });
      });
    });
  });
}
