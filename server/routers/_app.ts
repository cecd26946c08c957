import { router } from "../trpc";
import { dashboardRouter } from "./dashboard";
import { entitiesRouter } from "./entities";
import { healthRouter } from "./health";
import { ingestRouter } from "./ingest";
import { pluginsRouter } from "./plugins";
import { statsdRouter } from "./statsd";
import { systemRouter } from "./system";

/**
 * The UI's API: one router per domain; procedures only validate, call one service, and return.
 */
export const appRouter = router({
  health: healthRouter,
  entities: entitiesRouter,
  plugins: pluginsRouter,
  dashboard: dashboardRouter,
  system: systemRouter,
  statsd: statsdRouter,
  ingest: ingestRouter,
});

export type AppRouter = typeof appRouter;
