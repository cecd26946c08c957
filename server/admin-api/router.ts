import type { Db } from "@/db/client";

/**
 * The Kong-compatible Admin API is one catch-all route handler (app/admin-api/[[...path]]/route.ts) that
 * dispatches to these route tables. Each area (entities, plugins, schemas, vitals, metrics) exports an
 * AdminRoute[]; handlers stay thin: parse, call one service, reply in Kong's shape.
 */
export type AdminMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type AdminContext = {
  req: Request;
  url: URL;
  /** Path parameters from the pattern, URL-decoded: "/services/:service/plugins" gives {service}. */
  params: Record<string, string>;
  db: Db;
};

export type AdminRoute = {
  method: AdminMethod;
  /** Path below /admin-api, with `:name` segments, e.g. "/services/:service/plugins". */
  pattern: string;
  handle(ctx: AdminContext): Promise<Response>;
};

type Compiled = AdminRoute & { segments: string[] };

export function compileRoutes(routes: AdminRoute[]): Compiled[] {
  // Literal segments win over parameters at the same position (Kong: /plugins/enabled vs /plugins/:id).
  return routes
    .map((r) => ({ ...r, segments: r.pattern.split("/").filter(Boolean) }))
    .sort((a, b) => specificity(b.segments) - specificity(a.segments));
}

function specificity(segments: string[]): number {
  let score = 0;
  for (const s of segments) score = score * 2 + (s.startsWith(":") ? 0 : 1);
  return score * 100 + segments.length;
}

export function matchRoute(
  routes: Compiled[],
  method: string,
  pathSegments: string[],
): { route: Compiled; params: Record<string, string> } | "method-not-allowed" | null {
  let pathMatched = false;
  for (const route of routes) {
    if (route.segments.length !== pathSegments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < route.segments.length; i++) {
      const seg = route.segments[i];
      if (seg.startsWith(":")) params[seg.slice(1)] = decodeURIComponent(pathSegments[i]);
      else if (seg !== pathSegments[i]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  return pathMatched ? "method-not-allowed" : null;
}
