import { getIngestObservers } from "../runtime";
import { ingestBody, ingestReply } from "../services/ingest/ingest-queue";
import type { NativeBatchInput } from "../services/ingest/validate";
import { publicProcedure, router } from "../trpc";

/**
 * The native batch as sent. The ingest queue validates it once, on the ingest worker, with every other body
 * (ingest-queue.ts); its ValidationError becomes BAD_REQUEST with the field paths (mapErrors in trpc.ts),
 * as POST /api/ingest answers 400.
 */
const nativeBatch = {
  "~standard": {
    version: 1 as const,
    vendor: "gatewatch",
    validate: (value: unknown) => ({ value: value as NativeBatchInput }),
    types: undefined as unknown as { input: NativeBatchInput; output: NativeBatchInput },
  },
};

export const ingestRouter = router({
  /**
   * The native batch of POST /api/ingest, through the same queue as its bodies (ingest-queue.ts): prepared
   * on the ingest worker and written in one group commit with whatever bodies arrived meanwhile.
   */
  batch: publicProcedure.input(nativeBatch).mutation(async ({ ctx, input }) => {
    // No input at all (a request without its `json` field) is the JSON null: a 400 naming "(body)".
    const bytes = Buffer.from(JSON.stringify(input) ?? "null");
    const observers = await getIngestObservers();
    return ingestReply(await ingestBody(ctx.db, bytes, { format: "native" }, { observers }));
  }),
});
