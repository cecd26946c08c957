import { Worker } from "node:worker_threads";
import type { QueryOptions, Results, Transaction } from "@electric-sql/pglite";
import { sourceWorker } from "@/lib/source-worker";

/**
 * PGlite on a thread of its own (pglite-worker.ts), behind the part of PGlite's interface that Drizzle and
 * ingest use: query, exec, transaction, execProtocol, close.
 *
 * Why: PGlite is PostgreSQL compiled to WASM, and it runs on the thread that calls it. On the main thread
 * every statement blocked HTTP for as long as it ran: the live-minute compaction of bench:ingest's traffic
 * held the event loop up to 557 ms in one statement, ingest's inserts 15–40 ms each (event-loop stall
 * during bench:ingest's PGlite run: max 216–632 ms, p99 145 ms). ingest-limits.md recommendation 8: "Run it
 * in a worker thread if HTTP ingest shares the process". Here the main thread only posts messages; what
 * crosses is the SQL, its parameters and the result rows (structured clone).
 *
 * Limits of the crossing: a parser can't cross threads, so `parsers` may only keep a type's text (Drizzle's
 * are all `(value) => value`); `serializers`, `blob`, `onNotice` and LISTEN are refused.
 */
export class PGliteThread {
  readonly waitReady: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(err: unknown): void }>();
  #nextId = 1;
  #openTransactions = 0;
  #failure: Error | null = null;

  constructor(dataDir?: string) {
    const options = { workerData: { dataDir } };
    this.#worker = process.env.NEXT_RUNTIME
      ? new Worker(new URL("./pglite-worker.ts", import.meta.url), options)
      : sourceWorker(import.meta.url, "./pglite-worker.ts", options);
    this.waitReady = new Promise((resolve, reject) => {
      this.#pending.set(0, { resolve: () => resolve(), reject });
    });
    this.#worker.on("message", (reply: ThreadReply) => this.#settle(reply));
    this.#worker.on("error", (err) => this.#fail(lost(`PGlite thread failed: ${err.message}`, err)));
    this.#worker.on("exit", (code) => this.#fail(lost(`PGlite thread exited with code ${code}`)));
  }

  async query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    return this.#query<T>(sql, params, options);
  }

  async exec(sql: string, options: QueryOptions = {}): Promise<Results[]> {
    refuseOptions(options);
    return (await this.#call({ op: "exec", sql })) as Results[];
  }

  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws (as PGlite's own). */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const id = (await this.#call({ op: "begin" })) as number;
    this.#openTransactions++;
    let closed = false;
    const open = () => {
      if (closed) throw new Error("Transaction is closed");
    };
    const tx: Transaction = {
      query: async <R>(sql: string, params?: unknown[], options?: QueryOptions) => {
        open();
        return this.#query<R>(sql, params ?? [], options ?? {}, id);
      },
      sql: async <R>(strings: TemplateStringsArray, ...params: unknown[]) => {
        open();
        const text = strings.reduce((sql, part, i) => `${sql}$${i}${part}`);
        return this.#query<R>(text, params, {}, id);
      },
      exec: async (sql: string, options?: QueryOptions) => {
        open();
        refuseOptions(options ?? {});
        return (await this.#call({ op: "exec", sql, tx: id })) as Results[];
      },
      rollback: async () => {
        open();
        await this.#call({ op: "rollback", tx: id });
        closed = true;
      },
      listen: () => Promise.reject(new Error("LISTEN does not cross to the PGlite thread")),
      get closed() {
        return closed;
      },
    };
    try {
      let result: T;
      try {
        result = await fn(tx);
      } catch (err) {
        closed = true;
        await this.#call({ op: "end", tx: id, commit: false }).catch(() => {}); // the thread's own error wins below
        throw err;
      }
      closed = true;
      await this.#call({ op: "end", tx: id, commit: true });
      return result;
    } finally {
      this.#openTransactions--;
      this.#unrefWhenIdle();
    }
  }

  /** Whether a transaction is open on this handle (pglite-protocol.ts runs statements only inside one). */
  isInTransaction(): boolean {
    return this.#openTransactions > 0;
  }

  /** Sends a ready-made protocol message (pglite-protocol.ts); throws the statement's error. */
  async execProtocol(message: Uint8Array, options: { syncToFs?: boolean } = {}): Promise<void> {
    const own = message.byteOffset === 0 && message.byteLength === message.buffer.byteLength;
    await this.#call(
      { op: "protocol", message, syncToFs: options.syncToFs ?? true },
      own ? [message.buffer as ArrayBuffer] : [],
    );
  }

  async close(): Promise<void> {
    if (!this.#failure) await this.#call({ op: "close" });
    await this.#worker.terminate();
  }

  #query<T>(sql: string, params: unknown[], options: QueryOptions, tx?: number): Promise<Results<T>> {
    refuseOptions(options, "parsers");
    return this.#call({
      op: "query",
      sql,
      params,
      rowMode: options.rowMode,
      paramTypes: options.paramTypes,
      textTypes: textTypes(options.parsers),
      tx,
    }) as Promise<Results<T>>;
  }

  #call(request: ThreadOp, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref(); // a pending statement keeps the process alive, an idle thread does not
      this.#worker.postMessage({ ...request, id } satisfies ThreadRequest, transfer);
    });
  }

  #settle(reply: ThreadReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    this.#unrefWhenIdle();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(threadError(reply.error));
  }

  #unrefWhenIdle(): void {
    if (this.#pending.size === 0 && this.#openTransactions === 0) this.#worker.unref();
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
  }
}

/** What the main thread asks of the PGlite thread; `tx` runs a statement in that open transaction. */
export type ThreadOp =
  | {
      op: "query";
      sql: string;
      params: unknown[];
      rowMode?: "array" | "object";
      paramTypes?: number[];
      /** Types whose values stay text (the only parser that crosses threads). */
      textTypes: number[];
      tx?: number;
    }
  | { op: "exec"; sql: string; tx?: number }
  | { op: "protocol"; message: Uint8Array; syncToFs: boolean }
  | { op: "begin" }
  | { op: "rollback"; tx: number }
  | { op: "end"; tx: number; commit: boolean }
  | { op: "close" };
export type ThreadRequest = ThreadOp & { id: number };
/** A thread error: its message and the DatabaseError fields (code, detail, …) callers read. */
export type ThreadError = {
  message: string;
  name?: string;
  stack?: string;
  props: Record<string, string | number | boolean>;
};
/** The answer to request `id` (0: the thread's start). */
export type ThreadReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ThreadError };

/**
 * The database is gone with its thread (closed, or a crash such as WASM running out of memory): SQLSTATE
 * 08006, connection_failure, so callers answer 503 as for a PostgreSQL that went away, and /api/health
 * reports it until the process is restarted.
 */
function lost(message: string, cause?: Error): Error {
  return Object.assign(new Error(message, { cause }), { code: "08006" });
}

function threadError(error: ThreadError): Error {
  const err = Object.assign(new Error(error.message), error.props);
  if (error.name) err.name = error.name;
  if (error.stack) err.stack = error.stack;
  return err;
}

function refuseOptions(options: QueryOptions, allowed?: "parsers"): void {
  for (const key of ["serializers", "blob", "onNotice", "parsers"] as const)
    if (options[key] !== undefined && key !== allowed)
      throw new Error(`PGliteThread: the ${key} option does not cross to the PGlite thread`);
}

/** The types of `parsers`, each of which must keep the text as it is (what crosses threads). */
function textTypes(parsers: QueryOptions["parsers"]): number[] {
  if (!parsers) return [];
  return Object.entries(parsers).map(([oid, parse]) => {
    const probe = "2026-01-01 00:00:00+00";
    if (parse(probe, Number(oid)) !== probe)
      throw new Error(`PGliteThread: the parser of type ${oid} changes values; only text crosses threads`);
    return Number(oid);
  });
}
