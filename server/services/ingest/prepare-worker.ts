import { parentPort } from "node:worker_threads";
import { ValidationError } from "@/server/errors";
import {
  type ParseSpec,
  type PreparedBatch,
  type PrepareParams,
  parseIngestBody,
  prepareBatch,
} from "./prepare";

/** A job for the ingest worker: one request body. */
export type PrepareJob = { id: number; bytes: Uint8Array; spec: ParseSpec; params: PrepareParams };

export type PrepareReply =
  | { id: number; ok: true; prepared: PreparedBatch }
  | { id: number; ok: false; validation: { message: string; issues: { path: string; message: string }[] } }
  | { id: number; ok: false; error: string };

/**
 * Ingest worker thread (prepare-pool.ts): parse → validate → aggregate → encode, off the main thread. The
 * code/entity rows stay here (the encoded inserts carry them); the main thread rebuilds them from the body
 * only for the rare batch that reaches an already folded hour.
 */
function handle(job: PrepareJob): PrepareReply {
  try {
    const prepared = prepareBatch(parseIngestBody(job.bytes, job.spec), job.params);
    if (prepared.minuteInserts) prepared.tables = undefined;
    return { id: job.id, ok: true, prepared };
  } catch (err) {
    if (err instanceof ValidationError)
      return { id: job.id, ok: false, validation: { message: err.message, issues: err.issues } };
    return { id: job.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

parentPort?.on("message", (job: PrepareJob) => parentPort?.postMessage(handle(job)));
