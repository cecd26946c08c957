import { getIngestObservers } from "../runtime";
import { ingestBody, ingestReply } from "../services/ingest/ingest-queue";
import { type NativeBatchInput, validateNativeBatch } from "../services/ingest/validate";
import { publicProcedure, router } from "../trpc";

/**
 * The hand-written validator as a Standard Schema. It throws the ValidationError itself, so the error
 * formatter returns its field paths (`issues`), as POST /api/ingest does; a valid batch passes on as sent.
 */
const nativeBatch = {
  "~standard": {
    version: 1 as const,
    vendor: "gatewatch",
    validate: (value: unknown) => {
      validateNativeBatch(value);
      return { value: value as NativeBatchInput };
    },
    types: undefined as unknown as { input: NativeBatchInput; output: NativeBatchInput },
  },
};

export const ingestRouter = router({
  /**
   * The native batch of POST /api/ingest, through the same queue as its bodies (ingest-queue.ts): prepared
   * on the ingest worker and written in one group commit with whatever bodies arrived meanwhile.
   */
  batch: publicProcedure.input(nativeBatch).mutation(async ({ ctx, input }) => {
    const bytes = Buffer.from(JSON.stringify(input));
    const observers = await getIngestObservers();
    return ingestReply(await ingestBody(ctx.db, bytes, { format: "native" }, { observers }));
  }),
});
