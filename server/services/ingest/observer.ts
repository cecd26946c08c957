import type { Db } from "@/db/client";
import type { IngestBatch } from "./types";

/**
 * Something that derives state from ingested traffic besides the rollups: the Prometheus counters (written
 * in the batch's transaction, so they are exactly-once with it) and the StatsD sender (after commit).
 */
export interface IngestObserver {
  readonly name: string;
  /**
   * Runs inside the transaction after dedupe passed, once, with every batch it holds (one, or a group
   * commit's several). Throwing aborts the whole transaction.
   */
  inTransaction?(tx: Db, batches: readonly IngestBatch[]): Promise<void>;
  /** Runs after commit. Must not throw and must not block (enqueue, then return). */
  afterCommit?(batch: IngestBatch): void;
}
