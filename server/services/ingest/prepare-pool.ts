import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { sourceWorker } from "@/lib/source-worker";
import { ValidationError } from "@/server/errors";
import { type ParseSpec, type PreparedBodies, type PrepareParams, prepareBodies } from "./prepare";
import type { BodyFailure, PrepareJob, PrepareReply } from "./prepare-worker";

/**
 * Worker threads for the CPU half of ingest (prepare.ts). Profiled on the HTTP path into Postgres, the main
 * thread was the bottleneck (5 % idle) while Postgres used a third of a core: JSON.parse 20 %, GC 16 %,
 * validation 9 %, aggregation 11 %, array serialisation 10 % of its time. On a worker all of that overlaps
 * with the database round trips of other batches, and a 20k-event batch no longer stalls the event loop.
 *
 * INGEST_WORKERS sets the pool size (0 = prepare on the main thread); by default one worker per spare core,
 * at least one, at most four. A worker that dies fails its in-flight jobs (500 to those requests) and is
 * replaced on the next job.
 */

type Pending = { resolve: (p: PreparedBodies) => void; reject: (e: unknown) => void };
type Slot = { worker: Worker; pending: Map<number, Pending> };

function poolSize(): number {
  const raw = process.env.INGEST_WORKERS;
  if (raw !== undefined && raw !== "") {
    const n = Number(raw);
    if (Number.isInteger(n) && n >= 0) return Math.min(n, 16);
    console.warn(`[gatewatch] INGEST_WORKERS must be a non-negative integer, got ${raw}; using the default`);
  }
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

/** In Next, the bundler's worker chunk; from sources, through tsx (lib/source-worker.ts). */
function spawn(): Worker {
  if (!process.env.NEXT_RUNTIME) return sourceWorker(import.meta.url, "./prepare-worker.ts");
  return new Worker(new URL("./prepare-worker.ts", import.meta.url));
}

function failureOf(f: BodyFailure | null): unknown {
  if (f === null) return null;
  if ("validation" in f) return new ValidationError(f.validation.message, f.validation.issues);
  return new Error(`ingest worker: ${f.error}`);
}

let slots: (Slot | null)[] | null = null;
let nextId = 1;

function failSlot(index: number, err: unknown): void {
  const slot = slots?.[index];
  if (!slot) return;
  if (slots) slots[index] = null;
  for (const p of slot.pending.values()) p.reject(err);
  slot.pending.clear();
  slot.worker.terminate().catch(() => {});
}

function startSlot(index: number): Slot {
  const worker = spawn();
  const slot: Slot = { worker, pending: new Map() };
  worker.on("message", (reply: PrepareReply) => {
    const p = slot.pending.get(reply.id);
    if (!p) return;
    slot.pending.delete(reply.id);
    if (slot.pending.size === 0) worker.unref();
    if (reply.ok) p.resolve({ failures: reply.failures.map(failureOf), groups: reply.groups });
    else p.reject(new Error(`ingest worker: ${reply.error}`));
  });
  worker.on("error", (err) => {
    console.error("[gatewatch] ingest worker failed:", err);
    failSlot(index, err);
  });
  worker.on("exit", (code) => {
    if (slots?.[index] === slot) failSlot(index, new Error(`ingest worker exited with code ${code}`));
  });
  worker.unref();
  return slot;
}

function pickSlot(): Slot | null {
  slots ??= Array.from({ length: poolSize() }, () => null);
  if (slots.length === 0) return null;
  let best = 0;
  for (let i = 1; i < slots.length; i++)
    if ((slots[i]?.pending.size ?? 0) < (slots[best]?.pending.size ?? 0)) best = i;
  slots[best] ??= startSlot(best);
  return slots[best];
}

/** How many bodies' preparations can run at once: the pool's size, or one on the calling thread. */
export function prepareLanes(): number {
  slots ??= Array.from({ length: poolSize() }, () => null);
  return Math.max(1, slots.length);
}

/**
 * Parses, validates, aggregates and encodes request bodies together on a worker thread (inline when the
 * pool is disabled): each body's failure, and the groups the others make (prepareBodies).
 */
export function prepareBodiesInPool(
  bodies: { bytes: Uint8Array; spec: ParseSpec }[],
  params: PrepareParams,
): Promise<PreparedBodies> {
  const slot = pickSlot();
  if (!slot) {
    try {
      return Promise.resolve(prepareBodies(bodies, params));
    } catch (err) {
      return Promise.reject(err);
    }
  }
  const id = nextId++;
  return new Promise<PreparedBodies>((resolve, reject) => {
    slot.pending.set(id, { resolve, reject });
    slot.worker.ref();
    const job: PrepareJob = { id, bodies, params };
    slot.worker.postMessage(job);
  });
}

/** Stops the workers (tests, shutdown); the next job starts a fresh pool. */
export async function stopPreparePool(): Promise<void> {
  const current = slots ?? [];
  slots = null;
  await Promise.all(
    current.map(async (slot) => {
      if (!slot) return;
      for (const p of slot.pending.values()) p.reject(new Error("ingest worker pool stopped"));
      await slot.worker.terminate();
    }),
  );
}
