import { handleIngest } from "../_lib/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * What Kong's http-log plugin posts (one entry, or an array when its queue batches), so a real cluster
 * feeds Gatewatch unchanged: point http-log's `http_endpoint` at
 * `/api/ingest/kong?node_id=<uuid>&hostname=<name>` (or send x-gatewatch-node-id / x-gatewatch-hostname).
 */
export function POST(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const node = {
    id: url.searchParams.get("node_id") ?? req.headers.get("x-gatewatch-node-id"),
    hostname: url.searchParams.get("hostname") ?? req.headers.get("x-gatewatch-hostname"),
    version: url.searchParams.get("version") ?? req.headers.get("x-gatewatch-version"),
  };
  return handleIngest(req, { format: "kong", node });
}
