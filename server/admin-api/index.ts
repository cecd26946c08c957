import { type AdminRoute, compileRoutes } from "./router";

/** Every Admin API area's routes. Each area module exports its AdminRoute[]; add it here. */
const areas: AdminRoute[][] = [];

export const adminRoutes = compileRoutes(areas.flat());
