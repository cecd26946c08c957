import { getEntitySchema } from "@/server/services/entities/entities";
import { ensureDefaultWorkspace } from "@/server/services/entities/workspaces";
import {
  checkPluginBody,
  getPluginAvailability,
  getPluginSchema,
  KONG_COMPAT_VERSION,
} from "@/server/services/plugins/plugins";
import { parseKongBody } from "./kong-body";
import { kongJson } from "./kong-reply";
import type { AdminRoute } from "./router";

/** Schema endpoints and the root info Kong Manager reads its plugin list from (kong-vitals §2.2). */
export const schemaRoutes: AdminRoute[] = [
  {
    method: "GET",
    pattern: "/schemas/plugins/:name",
    handle: async ({ params }) => {
      const schema = getPluginSchema(params.name);
      return schema ? kongJson(200, schema) : kongJson(404, { message: `No plugin named '${params.name}'` });
    },
  },
  {
    method: "POST",
    pattern: "/schemas/plugins/validate",
    handle: async ({ req }) => {
      const { body, source } = await parseKongBody(req);
      checkPluginBody(body, source);
      return kongJson(200, { message: "schema validation successful" });
    },
  },
  {
    method: "GET",
    pattern: "/schemas/:name",
    handle: async ({ params }) => {
      const schema = getEntitySchema(params.name);
      return schema ? kongJson(200, schema) : kongJson(404, { message: `No entity named '${params.name}'` });
    },
  },
  {
    method: "GET",
    pattern: "/",
    handle: async ({ db }) => {
      const [plugins, workspace] = await Promise.all([getPluginAvailability(db), ensureDefaultWorkspace(db)]);
      return kongJson(200, {
        tagline: "Welcome to kong",
        version: KONG_COMPAT_VERSION,
        edition: "community",
        lua_version: "Gatewatch",
        plugins,
        configuration: { database: "postgres", plugins: ["bundled"], admin_listen: ["0.0.0.0:3000"] },
        default_workspace: workspace.id,
      });
    },
  },
];
