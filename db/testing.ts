import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { closeDb, createPgliteDb, createPostgresDb, type Db, type DbKind } from "./client";
import { migrate } from "./migrate";

export type TestDb = { db: Db; kind: DbKind; url?: string; close(): Promise<void> };

/**
 * Backends a suite runs against: PGlite always; real PostgreSQL when TEST_DATABASE_URL is set
 * (`.ci/run` points it at the machine's server). Use with `describe.each(testBackends())`.
 */
export function testBackends(): DbKind[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

/**
 * A fresh, migrated database: PGlite (in memory, or in `dataDir` as `npm start` keeps it in ./.data), or a
 * new throw-away database on the test server. `migrations`: the folder to migrate from (default the
 * committed one).
 */
export async function createTestDb(
  kind: DbKind,
  options: { max?: number; migrations?: string; dataDir?: string } = {},
): Promise<TestDb> {
  if (kind === "pglite") {
    const db = await createPgliteDb(options.dataDir);
    await migrate(db, options.migrations);
    return { db, kind, close: () => closeDb(db) };
  }
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `gw_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = createPostgresDb(url.toString(), { max: options.max ?? 10 });
  await migrate(db, options.migrations);
  return {
    db,
    kind,
    url: url.toString(),
    async close() {
      await closeDb(db);
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
