import { entityRoutes } from "./entities";
import { metricsRoutes } from "./metrics";
import { pluginRoutes } from "./plugins";
import { type AdminRoute, compileRoutes } from "./router";
import { schemaRoutes } from "./schemas";
import { vitalsRoutes } from "./vitals";

/** Every Admin API area's routes. Each area module exports its AdminRoute[]; add it here. */
const areas: AdminRoute[][] = [entityRoutes, pluginRoutes, schemaRoutes, metricsRoutes, vitalsRoutes];

export const adminRoutes = compileRoutes(areas.flat());
