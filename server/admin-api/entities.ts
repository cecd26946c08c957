import type { EntityKind } from "@/lib/entities";
import {
  countEntities,
  createEntity,
  deleteEntity,
  getEntity,
  listEntities,
  updateEntity,
  upsertEntity,
} from "@/server/services/entities/entities";
import { getWorkspace, listWorkspaces } from "@/server/services/entities/workspaces";
import { kongListBody, parseKongBody } from "./kong-body";
import { kongJson } from "./kong-reply";
import type { AdminContext, AdminRoute } from "./router";

/** Path parameter name per kind (`/services/:service`). */
const PARAM: Record<EntityKind, string> = {
  services: "service",
  routes: "route",
  consumers: "consumer",
  apis: "api",
};

const pageQuery = (url: URL) => ({
  size: url.searchParams.get("size"),
  offset: url.searchParams.get("offset"),
});

function crud(kind: EntityKind): AdminRoute[] {
  const one = `/${kind}/:${PARAM[kind]}`;
  const key = (ctx: AdminContext) => ctx.params[PARAM[kind]];
  return [
    {
      method: "GET",
      pattern: `/${kind}`,
      handle: async ({ db, url }) => {
        const body = kongListBody(`/${kind}`, await listEntities(db, kind, pageQuery(url)), url.searchParams);
        // The 0.14 DAO's list shape: `{"total": n, "data": [...]}` (only the legacy API entity uses it).
        return kongJson(200, kind === "apis" ? { total: await countEntities(db, kind), ...body } : body);
      },
    },
    {
      method: "POST",
      pattern: `/${kind}`,
      handle: async ({ db, req }) => {
        const { body, source } = await parseKongBody(req);
        return kongJson(201, await createEntity(db, kind, body, { source }));
      },
    },
    {
      method: "GET",
      pattern: one,
      handle: async (ctx) => kongJson(200, await getEntity(ctx.db, kind, key(ctx))),
    },
    {
      method: "PATCH",
      pattern: one,
      handle: async (ctx) => {
        const { body, source } = await parseKongBody(ctx.req);
        return kongJson(200, await updateEntity(ctx.db, kind, key(ctx), body, { source }));
      },
    },
    {
      method: "PUT",
      pattern: one,
      handle: async (ctx) => {
        const { body, source } = await parseKongBody(ctx.req);
        return kongJson(200, await upsertEntity(ctx.db, kind, key(ctx), body, { source }));
      },
    },
    {
      method: "DELETE",
      pattern: one,
      handle: async (ctx) => {
        await deleteEntity(ctx.db, kind, key(ctx));
        return new Response(null, { status: 204 });
      },
    },
  ];
}

/** Services, routes, consumers, legacy APIs and workspaces in Kong's Admin API shapes. */
export const entityRoutes: AdminRoute[] = [
  ...crud("services"),
  ...crud("routes"),
  ...crud("consumers"),
  ...crud("apis"),
  {
    method: "GET",
    pattern: "/services/:service/routes",
    handle: async ({ db, url, params }) =>
      kongJson(
        200,
        kongListBody(
          `/services/${encodeURIComponent(params.service)}/routes`,
          await listEntities(db, "routes", { ...pageQuery(url), service: params.service }),
          url.searchParams,
        ),
      ),
  },
  {
    method: "POST",
    pattern: "/services/:service/routes",
    handle: async ({ db, req, params }) => {
      const { body, source } = await parseKongBody(req);
      return kongJson(201, await createEntity(db, "routes", body, { source, service: params.service }));
    },
  },
  {
    method: "GET",
    pattern: "/routes/:route/service",
    handle: async ({ db, params }) => {
      const route = await getEntity(db, "routes", params.route);
      const service = route.service as { id: string } | null;
      if (!service) return kongJson(404, { message: "Not found" });
      return kongJson(200, await getEntity(db, "services", service.id));
    },
  },
  {
    method: "GET",
    pattern: "/workspaces",
    handle: async ({ db }) => kongJson(200, { data: await listWorkspaces(db), next: null }),
  },
  {
    method: "GET",
    pattern: "/workspaces/:workspace",
    handle: async ({ db, params }) => kongJson(200, await getWorkspace(db, params.workspace)),
  },
];
