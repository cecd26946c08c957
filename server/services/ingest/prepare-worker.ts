import { parentPort } from "node:worker_threads";
import { ValidationError } from "@/server/errors";
import { type IndexedGroup, type ParseSpec, type PrepareParams, prepareBodies } from "./prepare";

/** A job for the ingest worker: request bodies to prepare together (a group commit, ingest-queue.ts). */
export type PrepareJob = {
  id: number;
  bodies: { bytes: Uint8Array; spec: ParseSpec }[];
  params: PrepareParams;
};

/** Why one body failed, in a form that crosses threads. */
export type BodyFailure =
  | { validation: { message: string; issues: { path: string; message: string }[] } }
  | { error: string };

export type PrepareReply =
  | { id: number; ok: true; failures: (BodyFailure | null)[]; groups: IndexedGroup[] }
  | { id: number; ok: false; error: string };

const describe = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));

/**
 * Ingest worker thread (prepare-pool.ts): parse → validate → aggregate → encode, off the main thread. The
 * code/entity rows stay here (the encoded inserts carry them); the main thread rebuilds them from the body
 * only for the rare batch that reaches an already folded hour.
 */
function handle(job: PrepareJob): PrepareReply {
  try {
    const { failures, groups } = prepareBodies(job.bodies, job.params);
    for (const { group } of groups)
      if (group.minuteInserts) for (const member of group.members) member.tables = undefined;
    return {
      id: job.id,
      ok: true,
      failures: failures.map((err): BodyFailure | null => {
        if (err === null) return null;
        if (err instanceof ValidationError)
          return { validation: { message: err.message, issues: err.issues } };
        return { error: describe(err) };
      }),
      groups,
    };
  } catch (err) {
    return { id: job.id, ok: false, error: describe(err) };
  }
}

parentPort?.on("message", (job: PrepareJob) => parentPort?.postMessage(handle(job)));
