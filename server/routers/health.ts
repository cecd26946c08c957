import { checkHealth } from "../services/system/health";
import { publicProcedure, router } from "../trpc";

export const healthRouter = router({
  status: publicProcedure.query(({ ctx }) => checkHealth(ctx.db)),
});
