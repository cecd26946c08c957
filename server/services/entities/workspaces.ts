import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { workspaces } from "@/db/schema";
import { isUuid } from "@/lib/uuid";
import { NotFoundError } from "@/server/errors";

export const DEFAULT_WORKSPACE = "default";

type WorkspaceRow = typeof workspaces.$inferSelect;

/** Kong's workspace object (OSS has only `default`). */
export function workspaceToKong(r: WorkspaceRow) {
  return {
    id: r.id,
    name: r.name,
    comment: null,
    config: { portal: false, meta: null },
    meta: {},
    created_at: Math.floor(r.createdAt.getTime() / 1000),
    updated_at: Math.floor(r.updatedAt.getTime() / 1000),
  };
}

/** The default workspace, created on first use (ingest may also register it from traffic). */
export async function ensureDefaultWorkspace(db: Db): Promise<ReturnType<typeof workspaceToKong>> {
  await db.insert(workspaces).values({ id: randomUUID(), name: DEFAULT_WORKSPACE }).onConflictDoNothing();
  const [row] = await db.select().from(workspaces).where(eq(workspaces.name, DEFAULT_WORKSPACE));
  return workspaceToKong(row);
}

export async function listWorkspaces(db: Db) {
  await ensureDefaultWorkspace(db);
  const rows = await db.select().from(workspaces).orderBy(asc(workspaces.id));
  return rows.map(workspaceToKong);
}

export async function getWorkspace(db: Db, idOrName: string) {
  await ensureDefaultWorkspace(db);
  const [row] = await db
    .select()
    .from(workspaces)
    .where(isUuid(idOrName) ? eq(workspaces.id, idOrName) : eq(workspaces.name, idOrName));
  if (!row) throw new NotFoundError();
  return workspaceToKong(row);
}
