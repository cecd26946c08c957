import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "@/db/client";
import { stopRuntime } from "@/server/runtime";

export type WebHandler = (req: Request) => Promise<Response> | Response;

/**
 * Points the process-wide database (db/client.ts getDb) at a test database, and drops a runtime started on
 * a previous one, so exporters and background jobs bind to this database. Call `stopRuntime()` when done.
 */
export function useTestDb(db: Db): void {
  globalThis.__gatewatchDb = Promise.resolve(db);
  void stopRuntime();
}

type RouteModule = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", unknown>>;
type Mount = { prefix: string; module: RouteModule; catchAll?: boolean };

/**
 * Serves Next route-handler modules over real HTTP on 127.0.0.1 (a random port), so tests exercise the
 * same handlers that `next start` serves. A catch-all module (`[[...path]]`) gets `params.path`.
 */
export async function serveRoutes(mounts: Mount[]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (incoming, outgoing) => {
    try {
      const request = await toRequest(incoming);
      const { pathname } = new URL(request.url);
      const mount = mounts
        .filter(
          (m) =>
            pathname === m.prefix || pathname.startsWith(m.prefix.endsWith("/") ? m.prefix : `${m.prefix}/`),
        )
        .sort((a, b) => b.prefix.length - a.prefix.length)[0];
      const handler = mount?.module[request.method as keyof RouteModule] as
        | ((req: Request, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>)
        | undefined;
      if (!mount || !handler) {
        outgoing.writeHead(404).end();
        return;
      }
      const rest = pathname.slice(mount.prefix.length).split("/").filter(Boolean);
      const params = mount.catchAll ? { path: rest.length ? rest : undefined } : {};
      const response = await handler(request, { params: Promise.resolve(params) });
      const headers: Record<string, string> = {};
      response.headers.forEach((v, k) => {
        headers[k] = v;
      });
      outgoing.writeHead(response.status, headers);
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
          outgoing.write(chunk);
      }
      outgoing.end();
    } catch (err) {
      outgoing.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function toRequest(incoming: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [k, v] of Object.entries(incoming.headers)) {
    if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    else if (v !== undefined) headers.set(k, v);
  }
  const method = incoming.method ?? "GET";
  return new Request(`http://${incoming.headers.host}${incoming.url}`, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : body,
  });
}
