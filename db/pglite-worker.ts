import { parentPort, workerData } from "node:worker_threads";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import type { ThreadError, ThreadReply, ThreadRequest } from "./pglite-thread";

/**
 * The PGlite thread (pglite-thread.ts): owns the PGlite instance and runs what the main thread sends, so
 * its WASM work never blocks the main thread's event loop. Requests run as they arrive; PGlite's own lock
 * orders them as it would in one thread (a query outside a transaction waits for the open one to end).
 */
const { dataDir } = workerData as { dataDir?: string };
const port = parentPort;
if (!port) throw new Error("pglite-worker.ts runs as a worker thread");

const pg = dataDir ? new PGlite(dataDir) : new PGlite();
/** Open transactions by the id of the request that began them. */
const transactions = new Map<
  number,
  { tx: Transaction; finish(commit: boolean): void; settled: Promise<unknown> }
>();
/** Thrown inside a transaction the main thread ended without committing: PGlite then rolls it back. */
const ROLLED_BACK = Symbol("rolled back");

const keepText = (value: string) => value;

function errorOf(err: unknown): ThreadError {
  if (!(err instanceof Error)) return { message: String(err), props: {} };
  // DatabaseError's fields (code, detail, constraint, …) are strings: keep every primitive own property.
  const props: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(err))
    if (["string", "number", "boolean"].includes(typeof value)) props[key] = value;
  return { message: err.message, name: err.name, stack: err.stack, props };
}

function transaction(id: number) {
  const entry = transactions.get(id);
  if (!entry) throw new Error(`no open transaction ${id}`);
  return entry.tx;
}

/**
 * Opens a transaction and keeps it open until the main thread ends it ("end"): resolves once BEGIN ran, and
 * rejects with BEGIN's error if it failed.
 */
function begin(id: number): Promise<number> {
  return new Promise((opened, failed) => {
    let finish: (commit: boolean) => void = () => {};
    const decided = new Promise<boolean>((resolve) => {
      finish = resolve;
    });
    const settled: Promise<unknown> = pg
      .transaction(async (tx) => {
        transactions.set(id, { tx, finish, settled });
        opened(id);
        if (!(await decided)) throw ROLLED_BACK;
      })
      .then(
        () => null,
        (err: unknown) => (err === ROLLED_BACK ? null : err),
      );
    // Once opened, this settles nothing more: the "end" request reports how the transaction ended.
    void settled.then(failed);
  });
}

async function run(request: ThreadRequest): Promise<unknown> {
  switch (request.op) {
    case "query": {
      const parsers = Object.fromEntries(request.textTypes.map((oid) => [oid, keepText]));
      const options = { rowMode: request.rowMode, paramTypes: request.paramTypes, parsers };
      const on = request.tx === undefined ? pg : transaction(request.tx);
      return on.query(request.sql, request.params, options);
    }
    case "exec":
      return (request.tx === undefined ? pg : transaction(request.tx)).exec(request.sql);
    case "protocol":
      // Inside the transaction the main thread holds open: execProtocol takes no lock (pglite-protocol.ts).
      await pg.execProtocol(request.message, { syncToFs: request.syncToFs });
      return null;
    case "rollback":
      await transaction(request.tx).rollback();
      return null;
    case "end": {
      const entry = transactions.get(request.tx);
      if (!entry) throw new Error(`no open transaction ${request.tx}`);
      entry.finish(request.commit);
      const err = await entry.settled;
      transactions.delete(request.tx);
      if (err) throw err;
      return null;
    }
    case "close":
      await pg.close();
      return null;
    case "begin":
      return begin(request.id);
  }
}

port.on("message", (request: ThreadRequest) => {
  run(request).then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies ThreadReply),
    (err: unknown) =>
      port.postMessage({ id: request.id, ok: false, error: errorOf(err) } satisfies ThreadReply),
  );
});

pg.waitReady.then(
  () => port.postMessage({ id: 0, ok: true, value: null } satisfies ThreadReply),
  (err: unknown) => port.postMessage({ id: 0, ok: false, error: errorOf(err) } satisfies ThreadReply),
);
