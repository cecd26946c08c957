import { handleIngest } from "./_lib/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Native batches (DESIGN §2): 200 {batch_id, accepted, events, stats, skipped} after commit. */
export function POST(req: Request): Promise<Response> {
  return handleIngest(req, { format: "native" });
}
