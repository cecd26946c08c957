import { getDb } from "@/db/client";
import { adminRoutes } from "@/server/admin-api";
import { kongError, kongJson, notFound } from "@/server/admin-api/kong-reply";
import { matchRoute } from "@/server/admin-api/router";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function dispatch(req: Request, ctx: { params: Promise<{ path?: string[] }> }): Promise<Response> {
  const { path = [] } = await ctx.params;
  const match = matchRoute(adminRoutes, req.method, path);
  if (match === null) return notFound();
  if (match === "method-not-allowed") return kongJson(405, { message: "Method not allowed" });
  try {
    const db = await getDb();
    return await match.route.handle({ req, url: new URL(req.url), params: match.params, db });
  } catch (err) {
    return kongError(err);
  }
}

// Next reads the method exports statically, so each is named explicitly.
export const GET = dispatch;
export const POST = dispatch;
export const PUT = dispatch;
export const PATCH = dispatch;
export const DELETE = dispatch;
