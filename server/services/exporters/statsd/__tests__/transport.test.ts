import { afterEach, describe, expect, it } from "vitest";
import { compileStatsdFormatter } from "../format";
import { StatsdSender, type StatsdTarget } from "../transport";
import { event, freePort, statsdConfig, type TcpSink, tcpSink, type UdpSink, udpSink } from "./helpers";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
async function udp(): Promise<UdpSink> {
  const sink = await udpSink();
  closers.push(sink.close);
  return sink;
}
async function tcp(): Promise<TcpSink> {
  const sink = await tcpSink();
  closers.push(sink.close);
  return sink;
}

/** One batch on a fresh connection, closed afterwards. */
async function sendStatsdLines(target: StatsdTarget, lines: string[]) {
  const sender = new StatsdSender();
  try {
    return await sender.send(target, lines);
  } finally {
    sender.close();
  }
}

const LINES = compileStatsdFormatter(statsdConfig()).format(event(), "gw-1");

describe("StatsdSender over real sockets (kong-plugins §1d.6, §1d.7)", () => {
  it("UDP without udp_packet_size: one datagram per line, byte for byte", async () => {
    const sink = await udp();
    const result = await sendStatsdLines(
      { host: "127.0.0.1", port: sink.port, useTcp: false, udpPacketSize: 0 },
      LINES,
    );
    expect(await sink.waitFor(LINES.length)).toEqual(LINES);
    expect(result).toEqual({ packets: 12, bytes: LINES.reduce((n, l) => n + l.length, 0) });
  });

  it("UDP with udp_packet_size: Kong's combining, one byte over after a flush", async () => {
    const sink = await udp();
    const a = `a:${"x".repeat(36)}`; // 38 bytes
    const b = `b:${"x".repeat(48)}`; // 50
    const c = `c:${"x".repeat(28)}`; // 30
    await sendStatsdLines({ host: "127.0.0.1", port: sink.port, useTcp: false, udpPacketSize: 80 }, [
      a,
      b,
      c,
    ]);
    const got = await sink.waitFor(2);
    expect(got).toEqual([a, `${b}\n${c}`]);
    expect(got.map((d) => d.length)).toEqual([38, 81]);
  });

  it("UDP with the default metrics in 200-byte datagrams", async () => {
    const sink = await udp();
    const result = await sendStatsdLines(
      { host: "localhost", port: sink.port, useTcp: false, udpPacketSize: 200 },
      LINES,
    );
    const got = await sink.waitFor(result.packets);
    expect(got.join("\n")).toBe(LINES.join("\n"));
    expect(got.length).toBeGreaterThan(1);
    for (const d of got) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(201);
  });

  it("UDP with udp_packet_size 1: one line per datagram", async () => {
    const sink = await udp();
    await sendStatsdLines(
      { host: "127.0.0.1", port: sink.port, useTcp: false, udpPacketSize: 1 },
      LINES.slice(0, 3),
    );
    expect(await sink.waitFor(3)).toEqual(LINES.slice(0, 3));
  });

  it("TCP: the stream is every line followed by a newline; udp_packet_size is ignored", async () => {
    const sink = await tcp();
    const result = await sendStatsdLines(
      { host: "127.0.0.1", port: sink.port, useTcp: true, udpPacketSize: 80 },
      LINES,
    );
    const expected = `${LINES.join("\n")}\n`;
    expect(await sink.waitForText((t) => t.length >= expected.length)).toBe(expected);
    expect(sink.connections).toBe(1);
    expect(result).toEqual({ packets: 1, bytes: expected.length });
  });

  it("TCP to a closed port fails with Kong's message", async () => {
    const port = await freePort();
    await expect(
      sendStatsdLines({ host: "127.0.0.1", port, useTcp: true, udpPacketSize: 0 }, ["a:1|c"]),
    ).rejects.toThrow(`failed to connect to 127.0.0.1:${port}: connection refused`);
  });

  it("UDP to a closed loopback port surfaces the ICMP refusal", async () => {
    const port = await freePort();
    await expect(
      sendStatsdLines({ host: "127.0.0.1", port, useTcp: false, udpPacketSize: 0 }, ["a:1|c"]),
    ).rejects.toThrow(`failed to send data to 127.0.0.1:${port}: connection refused`);
  });

  it("an unresolvable host fails the batch", async () => {
    await expect(
      sendStatsdLines({ host: "statsd.invalid", port: 8125, useTcp: false, udpPacketSize: 0 }, ["a:1|c"]),
    ).rejects.toThrow(/^failed to connect to statsd\.invalid:8125: /);
  });

  it("a sender keeps one TCP connection for consecutive batches, and reconnects after the server went away", async () => {
    const sender = new StatsdSender();
    closers.push(async () => sender.close());
    const first = await tcp();
    const target = { host: "127.0.0.1", port: first.port, useTcp: true, udpPacketSize: 0 };
    await sender.send(target, ["a:1|c"]);
    await sender.send(target, ["b:1|c", "c:1|c"]);
    expect(await first.waitForText((t) => t.length >= 18)).toBe("a:1|c\nb:1|c\nc:1|c\n");
    expect(first.connections).toBe(1);

    await first.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(sender.send(target, ["d:1|c"])).rejects.toThrow(
      `failed to connect to 127.0.0.1:${first.port}: connection refused`,
    );
    const again = await tcpSink(first.port);
    closers.push(again.close);
    await sender.send(target, ["e:1|c"]);
    expect(await again.waitForText((t) => t.length >= 6)).toBe("e:1|c\n");
  });

  it("a sender keeps one UDP socket, and a later batch reports the ICMP refusal of a server that stopped", async () => {
    const sender = new StatsdSender();
    closers.push(async () => sender.close());
    const sink = await udpSink();
    const target = { host: "127.0.0.1", port: sink.port, useTcp: false, udpPacketSize: 0 };
    await sender.send(target, ["a:1|c"]);
    await sender.send(target, ["b:1|c"]);
    expect(await sink.waitFor(2)).toEqual(["a:1|c", "b:1|c"]);
    await sink.close();
    // The refusal of this datagram comes back after it was handed to the kernel: the next batch sees it.
    await sender.send(target, ["c:1|c"]).catch(() => {});
    await new Promise((r) => setTimeout(r, 20));
    await expect(sender.send(target, ["d:1|c"])).rejects.toThrow(
      `failed to send data to 127.0.0.1:${sink.port}: connection refused`,
    );
  });
});
