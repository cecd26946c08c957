import {
  createPlugin,
  deletePlugin,
  getPlugin,
  listEnabledPluginNames,
  listPlugins,
  type PluginScopeRef,
  SCOPE_FIELDS,
  type ScopeKind,
  updatePlugin,
  upsertPlugin,
} from "@/server/services/plugins/plugins";
import { kongListBody, parseKongBody } from "./kong-body";
import { kongJson } from "./kong-reply";
import type { AdminContext, AdminRoute } from "./router";

const pageQuery = (url: URL) => ({
  size: url.searchParams.get("size"),
  offset: url.searchParams.get("offset"),
});

/** `/services/{x}/plugins`, `/routes/{x}/plugins`, `/consumers/{x}/plugins`, `/apis/{x}/plugins` (kong-plugins §1e.2). */
function scoped(kind: ScopeKind): AdminRoute[] {
  const param = SCOPE_FIELDS[kind];
  const scope = (ctx: AdminContext): PluginScopeRef => ({ kind, idOrName: ctx.params[param] });
  const base = `/${kind}/:${param}/plugins`;
  return [
    {
      method: "GET",
      pattern: base,
      handle: async (ctx) =>
        kongJson(
          200,
          kongListBody(
            `/${kind}/${encodeURIComponent(ctx.params[param])}/plugins`,
            await listPlugins(ctx.db, { ...pageQuery(ctx.url), scope: scope(ctx) }),
            ctx.url.searchParams,
          ),
        ),
    },
    {
      method: "POST",
      pattern: base,
      handle: async (ctx) => {
        const { body, source } = await parseKongBody(ctx.req);
        return kongJson(201, await createPlugin(ctx.db, body, { source, scope: scope(ctx) }));
      },
    },
    {
      method: "GET",
      pattern: `${base}/:id`,
      handle: async (ctx) => kongJson(200, await getPlugin(ctx.db, ctx.params.id, scope(ctx))),
    },
    {
      method: "PATCH",
      pattern: `${base}/:id`,
      handle: async (ctx) => {
        const { body, source } = await parseKongBody(ctx.req);
        return kongJson(200, await updatePlugin(ctx.db, ctx.params.id, body, { source, scope: scope(ctx) }));
      },
    },
    {
      method: "DELETE",
      pattern: `${base}/:id`,
      handle: async (ctx) => {
        await deletePlugin(ctx.db, ctx.params.id, scope(ctx));
        return new Response(null, { status: 204 });
      },
    },
  ];
}

export const pluginRoutes: AdminRoute[] = [
  {
    method: "GET",
    pattern: "/plugins",
    handle: async ({ db, url }) =>
      kongJson(200, kongListBody("/plugins", await listPlugins(db, pageQuery(url)), url.searchParams)),
  },
  {
    method: "POST",
    pattern: "/plugins",
    handle: async ({ db, req }) => {
      const { body, source } = await parseKongBody(req);
      return kongJson(201, await createPlugin(db, body, { source }));
    },
  },
  {
    method: "GET",
    pattern: "/plugins/enabled",
    handle: async () => kongJson(200, { enabled_plugins: listEnabledPluginNames() }),
  },
  {
    method: "GET",
    pattern: "/plugins/:id",
    handle: async ({ db, params }) => kongJson(200, await getPlugin(db, params.id)),
  },
  {
    method: "PATCH",
    pattern: "/plugins/:id",
    handle: async ({ db, req, params }) => {
      const { body, source } = await parseKongBody(req);
      return kongJson(200, await updatePlugin(db, params.id, body, { source }));
    },
  },
  {
    method: "PUT",
    pattern: "/plugins/:id",
    handle: async ({ db, req, params }) => {
      const { body, source } = await parseKongBody(req);
      return kongJson(200, await upsertPlugin(db, params.id, body, { source }));
    },
  },
  {
    method: "DELETE",
    pattern: "/plugins/:id",
    handle: async ({ db, params }) => {
      await deletePlugin(db, params.id);
      return new Response(null, { status: 204 });
    },
  },
  ...scoped("services"),
  ...scoped("routes"),
  ...scoped("consumers"),
  ...scoped("apis"),
];
