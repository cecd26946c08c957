import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { pgliteOf } from "./pglite-protocol";
import { PGliteThread } from "./pglite-thread";
import * as schema from "./schema";

export type Schema = typeof schema;
/**
 * The database handle every service takes as its first parameter. `$client` is the driver underneath
 * (postgres.js, or PGlite on its own thread) for the few hot paths that need it (ingest's bulk writes).
 */
export type Db = PgDatabase<PgQueryResultHKT, Schema> & { $client: postgres.Sql | PGliteThread };

export type DbKind = "postgres" | "pglite";

/**
 * A shape check, not `instanceof`: Next bundles this module into several server chunks, each with its own
 * PGliteThread class, while the process-wide handle (getDb) is made by one of them.
 */
export function dbKind(db: Db): DbKind {
  return pgliteOf(db) ? "pglite" : "postgres";
}

export function createPostgresDb(url: string, options: { max?: number } = {}): Db {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: 5,
    // Keep connections fresh so a restarted server is picked up again without the process restarting.
    idle_timeout: 30,
  });
  return drizzlePostgres(client, { schema }) as unknown as Db;
}

/** PGlite in `dataDir` (in memory without one), on a thread of its own (pglite-thread.ts). */
export async function createPgliteDb(dataDir?: string): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true }); // PGlite does not create parent directories.
  const client = new PGliteThread(dataDir);
  await client.waitReady;
  // Drizzle's PGlite driver calls query() and transaction() only, which the thread's handle answers.
  return drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db;
}

export async function closeDb(db: Db): Promise<void> {
  if (dbKind(db) === "pglite") await (db.$client as PGliteThread).close();
  else await (db.$client as postgres.Sql).end({ timeout: 5 });
}

/** Rows of a raw query, whichever driver runs it (PGlite returns {rows}, postgres.js an array). */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export function defaultPgliteDir(): string {
  // Resolved at run time from the working directory; the comment keeps Turbopack from tracing the project.
  return path.resolve(/* turbopackIgnore: true */ process.env.PGLITE_DIR ?? ".data/pglite");
}

declare global {
  // One handle per process; survives dev-server module reloads.
  var __gatewatchDb: Promise<Db> | undefined;
}

/**
 * The process-wide database: postgres.js when DATABASE_URL is set, else a file-backed PGlite in ./.data
 * (one process owns that directory: PGlite has no lock between processes, stack-notes G4).
 * Migrations are applied on first use.
 */
export function getDb(): Promise<Db> {
  if (!globalThis.__gatewatchDb) {
    globalThis.__gatewatchDb = (async () => {
      const { migrate } = await import("./migrate");
      const url = process.env.DATABASE_URL;
      const db = url ? createPostgresDb(url) : await createPgliteDb(defaultPgliteDir());
      await migrate(db);
      return db;
    })();
    globalThis.__gatewatchDb.catch(() => {
      globalThis.__gatewatchDb = undefined; // retry on the next call (database was down at start-up)
    });
  }
  return globalThis.__gatewatchDb;
}
