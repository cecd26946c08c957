import { getDb } from "@/db/client";
import {
  DatabaseUnavailableError,
  isDatabaseUnavailable,
  NotFoundError,
  ValidationError,
} from "@/server/errors";
import { csvStream } from "@/server/services/exports/csv";
import { buildExport, exportFilename } from "@/server/services/exports/datasets";
import { parseExportParams } from "@/server/services/exports/params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** `GET /api/export/{dataset}?range=1h|from&to&node&overlay&kind&id…` → text/csv download (docs/csv.md). */
export async function GET(req: Request, ctx: { params: Promise<{ dataset: string }> }): Promise<Response> {
  const { dataset } = await ctx.params;
  try {
    const params = parseExportParams(new URL(req.url));
    const db = await getDb().catch((err) => {
      throw new DatabaseUnavailableError(err);
    });
    const data = await buildExport(db, dataset, params);
    return new Response(csvStream(data), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${exportFilename(data)}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    if (err instanceof ValidationError)
      return Response.json({ error: err.message, issues: err.issues }, { status: 400 });
    if (err instanceof NotFoundError) return Response.json({ error: err.message }, { status: 404 });
    if (isDatabaseUnavailable(err))
      return Response.json(
        { error: "database unavailable" },
        { status: 503, headers: { "retry-after": "5" } },
      );
    throw err;
  }
}
