import { getSystemSettings } from "../services/system/settings";
import { publicProcedure, router } from "../trpc";

export const systemRouter = router({
  settings: publicProcedure.query(({ ctx }) => getSystemSettings(ctx.db)),
});
