import path from "node:path";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { type Db, dbKind } from "./client";

export const MIGRATIONS_FOLDER = path.resolve(
  /* turbopackIgnore: true */ process.env.GATEWATCH_MIGRATIONS ?? "db/migrations",
);

/**
 * Applies the committed migrations (idempotent; drizzle records what ran in drizzle.__drizzle_migrations).
 * `folder`: another migrations folder (an upgrade test starts from a copy holding only the older ones).
 */
export async function migrate(db: Db, folder = MIGRATIONS_FOLDER): Promise<void> {
  const config = { migrationsFolder: folder };
  if (dbKind(db) === "pglite") await migratePglite(db as unknown as PgliteDatabase, config);
  else await migratePostgres(db as unknown as PostgresJsDatabase, config);
}
