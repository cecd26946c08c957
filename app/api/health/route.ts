import { getDb } from "@/db/client";
import { checkHealth } from "@/server/services/system/health";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** 200 when the database is reachable and migrated, 503 (with Retry-After) when not. */
export async function GET() {
  try {
    const status = await checkHealth(await getDb());
    return Response.json(status);
  } catch (err) {
    return Response.json(
      { ok: false, error: err instanceof Error ? err.message : String(err) },
      { status: 503, headers: { "Retry-After": "5" } },
    );
  }
}
