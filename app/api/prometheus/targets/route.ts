import { getDb } from "@/db/client";
import { handleTargetsRequest } from "@/server/http/metrics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Prometheus http_sd_config: one scrape target per live node. */
export function GET(req: Request): Promise<Response> {
  return handleTargetsRequest(req, getDb);
}
