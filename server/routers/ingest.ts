import { getIngestObservers } from "../runtime";
import { ingestBatch } from "../services/ingest/ingest-batch";
import type { IngestBatch } from "../services/ingest/types";
import { type NativeBatchInput, validateNativeBatch } from "../services/ingest/validate";
import { publicProcedure, router } from "../trpc";

/**
 * The hand-written validator as a Standard Schema (wire shape in, normalised batch out). It throws the
 * ValidationError itself, so the error formatter returns its field paths (`issues`), as POST /api/ingest does.
 */
const nativeBatch = {
  "~standard": {
    version: 1 as const,
    vendor: "gatewatch",
    validate: (value: unknown) => ({ value: validateNativeBatch(value) }),
    types: undefined as unknown as { input: NativeBatchInput; output: IngestBatch },
  },
};

export const ingestRouter = router({
  /** The native batch of POST /api/ingest; the same validation and service. */
  batch: publicProcedure.input(nativeBatch).mutation(async ({ ctx, input }) => {
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
