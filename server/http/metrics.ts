import { timingSafeEqual } from "node:crypto";
import type { Db } from "@/db/client";
import { isUuid } from "@/lib/uuid";
import { isDatabaseUnavailable, NotFoundError } from "@/server/errors";
import {
  listScrapeTargets,
  METRICS_FORMATS,
  type MetricsFormat,
  renderMetrics,
} from "@/server/services/exporters/prometheus/metrics";
import { CONTENT_TYPE } from "@/server/services/exporters/prometheus/render";

/**
 * The HTTP face of the Prometheus exporter, shared by GET /metrics, GET /admin-api/metrics, the optional
 * METRICS_PORT listener and GET /api/prometheus/targets: bearer-token check, query validation (a 400 names the
 * parameter), 404 for an unknown node, 503 with Retry-After when the database is down.
 */

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

/** METRICS_TOKEN, when set, is required as `Authorization: Bearer <token>` (read per request). */
function unauthorized(req: Request): Response | null {
  const token = process.env.METRICS_TOKEN;
  if (!token) return null;
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const given = Buffer.from(match?.[1] ?? "");
  const expected = Buffer.from(token);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
  return json(401, { message: "Unauthorized" }, { "www-authenticate": 'Bearer realm="metrics"' });
}

function failure(err: unknown): Response {
  if (err instanceof NotFoundError) return json(404, { message: err.message });
  if (isDatabaseUnavailable(err))
    return json(503, { message: "database unavailable" }, { "retry-after": "5" });
  console.error("[metrics]", err);
  return json(500, { message: "An unexpected error occurred" });
}

type Parsed = { format: MetricsFormat; nodeId?: string } | { error: string };

function parseQuery(url: URL): Parsed {
  const format = url.searchParams.get("format") ?? "legacy";
  if (!(METRICS_FORMATS as readonly string[]).includes(format))
    return { error: `format: expected one of ${METRICS_FORMATS.join(", ")}` };
  const node = url.searchParams.get("node");
  if (node !== null && !isUuid(node)) return { error: "node: expected a node id (uuid)" };
  return { format: format as MetricsFormat, nodeId: node?.toLowerCase() };
}

export async function handleMetricsRequest(req: Request, getDb: () => Promise<Db>): Promise<Response> {
  const denied = unauthorized(req);
  if (denied) return denied;
  const query = parseQuery(new URL(req.url));
  if ("error" in query) return json(400, { message: query.error });
  try {
    const body = await renderMetrics(await getDb(), query);
    return new Response(body, { status: 200, headers: { "content-type": CONTENT_TYPE } });
  } catch (err) {
    return failure(err);
  }
}

/**
 * Prometheus `http_sd_config`: one target per live node, each Gatewatch itself (the host Prometheus used to
 * reach this endpoint) with `?node=<id>`, labelled with the node's hostname.
 */
export async function handleTargetsRequest(req: Request, getDb: () => Promise<Db>): Promise<Response> {
  const denied = unauthorized(req);
  if (denied) return denied;
  try {
    const nodes = await listScrapeTargets(await getDb());
    const host = req.headers.get("host") ?? new URL(req.url).host;
    return json(
      200,
      nodes.map((n) => ({
        targets: [host],
        labels: { __metrics_path__: "/metrics", __param_node: n.id, hostname: n.hostname },
      })),
    );
  } catch (err) {
    return failure(err);
  }
}
