import { router } from "../trpc";
import { healthRouter } from "./health";

/**
 * The UI's API: one router per domain; procedures only validate, call one service, and return.
 */
export const appRouter = router({
  health: healthRouter,
});

export type AppRouter = typeof appRouter;
