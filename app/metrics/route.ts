import { getDb } from "@/db/client";
import { handleMetricsRequest } from "@/server/http/metrics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Prometheus exposition (Kong's prometheus plugin format); `?format=kong3`, `?node=<id>`. */
export function GET(req: Request): Promise<Response> {
  return handleMetricsRequest(req, getDb);
}
