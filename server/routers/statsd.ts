import { z } from "zod";
import { getStatsdDelivery } from "../services/exporters/statsd/delivery";
import { publicProcedure, router } from "../trpc";

export const statsdRouter = router({
  /** Delivery health of one statsd plugin instance, summed over every Gatewatch instance. */
  delivery: publicProcedure
    .input(z.object({ pluginId: z.uuid() }))
    .query(({ ctx, input }) => getStatsdDelivery(ctx.db, input.pluginId)),
});
