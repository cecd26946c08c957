import { getIngestObservers } from "../runtime";
import { ingestBatch } from "../services/ingest/ingest-batch";
import { validateNativeBatch } from "../services/ingest/validate";
import { publicProcedure, router } from "../trpc";

export const ingestRouter = router({
  /** The native batch of POST /api/ingest; the same validation (issues with field paths) and service. */
  batch: publicProcedure
    .input((raw: unknown) => validateNativeBatch(raw))
    .mutation(async ({ ctx, input }) => {
      const result = await ingestBatch(ctx.db, input, { observers: await getIngestObservers() });
      return {
        batch_id: result.batchId,
        accepted: result.accepted,
        events: result.events,
        stats: result.stats,
        skipped: result.skipped,
      };
    }),
});
