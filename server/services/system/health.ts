import { sql } from "drizzle-orm";
import { type Db, dbKind, queryRows } from "@/db/client";

export type HealthStatus = { ok: boolean; database: "postgres" | "pglite"; migrations: number };

/** Reachable and migrated: the newest migration row exists and a rollup table answers. */
export async function checkHealth(db: Db): Promise<HealthStatus> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`,
  );
  await queryRows(db, sql`SELECT 1 FROM health_seconds LIMIT 1`);
  return { ok: true, database: dbKind(db), migrations: rows[0]?.n ?? 0 };
}
