import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getDb } from "@/db/client";
import { handleMetricsRequest } from "@/server/http/metrics";

export type MetricsListener = { port: number; close(): Promise<void> };

/**
 * The separate metrics listener (METRICS_PORT), like the custom server block on port 9542 in Kong's prometheus
 * plugin docs: serves GET /metrics only (same query parameters and token as the main port).
 */
export async function startMetricsListener(port: number, host = "0.0.0.0"): Promise<MetricsListener> {
  const server: Server = createServer(async (incoming, outgoing) => {
    try {
      const url = new URL(incoming.url ?? "/", `http://${incoming.headers.host ?? "localhost"}`);
      if (url.pathname !== "/metrics") {
        outgoing.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n");
        return;
      }
      if (incoming.method !== "GET" && incoming.method !== "HEAD") {
        outgoing.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(incoming.headers)) if (typeof v === "string") headers.set(k, v);
      const response = await handleMetricsRequest(new Request(url, { headers }), getDb);
      const body = Buffer.from(await response.arrayBuffer());
      const out: Record<string, string> = { "content-length": String(body.length) };
      response.headers.forEach((v, k) => {
        out[k] = v;
      });
      outgoing.writeHead(response.status, out);
      outgoing.end(incoming.method === "HEAD" ? undefined : body);
    } catch (err) {
      outgoing.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
