import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { IngestBatch } from "./types";

/**
 * Entity discovery: gateway entities seen in traffic are registered once (`discovered = true`) with
 * `INSERT … ON CONFLICT DO NOTHING`, which also swallows name-uniqueness conflicts, so discovery never
 * fails a batch. An id whose name belongs to another id is then registered without a name (services,
 * routes, consumers) or under its id as name (workspaces, apis: names are required there).
 * A per-process set remembers what is registered, so steady-state batches never write entity tables
 * (scale-notes R11: they are Citus reference tables, where each write is a 2PC to every node).
 * Node last-seen comes from the health rollups, not from here.
 */

type Kind = "n" | "w" | "s" | "r" | "c" | "a";
type Seen = Record<Kind, Set<string>>;

/** One set per entity kind, so the per-event check hashes the id itself (no key concatenation). */
const seen = new WeakMap<Db, Seen>();

function seenOf(db: Db): Seen {
  let s = seen.get(db);
  if (!s) {
    s = { n: new Set(), w: new Set(), s: new Set(), r: new Set(), c: new Set(), a: new Set() };
    seen.set(db, s);
  }
  return s;
}

type Row = Record<string, string | null>;

export type Discovery = {
  workspaces: Row[];
  services: Row[];
  routes: Row[];
  consumers: Row[];
  apis: Row[];
  nodes: Row[];
  /** marks taken provisionally, undone by `forgetUnseen` if the transaction fails */
  keys: [Kind, string][];
};

/**
 * Every entity a batch references, once per id with the attributes of its first event (pure: it runs on an
 * ingest worker thread). The node's first seen is its earliest reported moment, not when Gatewatch happened
 * to register it.
 */
export type EntityCatalog = Omit<Discovery, "keys">;

export function catalogEntities(batch: IngestBatch): EntityCatalog {
  const c: EntityCatalog = { workspaces: [], services: [], routes: [], consumers: [], apis: [], nodes: [] };
  const ids: Record<Exclude<Kind, "n">, Set<string>> = {
    w: new Set(),
    s: new Set(),
    r: new Set(),
    c: new Set(),
    a: new Set(),
  };
  const first = (kind: Exclude<Kind, "n">, id: string) => {
    if (ids[kind].has(id)) return false;
    ids[kind].add(id);
    return true;
  };
  let firstMs = Date.now();
  for (const e of batch.events) {
    if (e.startedAt < firstMs) firstMs = e.startedAt;
    if (e.workspaceId !== null && first("w", e.workspaceId))
      c.workspaces.push({ id: e.workspaceId, name: e.workspaceName ?? e.workspaceId });
    if (e.serviceId !== null && first("s", e.serviceId))
      c.services.push({
        id: e.serviceId,
        name: e.serviceName,
        host: e.serviceHost ?? e.serviceName ?? "unknown",
        ws: e.workspaceId,
      });
    if (e.routeId !== null && first("r", e.routeId))
      c.routes.push({ id: e.routeId, name: e.routeName, service: e.serviceId, ws: e.workspaceId });
    if (e.consumerId !== null && first("c", e.consumerId))
      c.consumers.push({
        id: e.consumerId,
        username: e.consumerUsername,
        custom: e.consumerCustomId,
        ws: e.workspaceId,
      });
    if (e.apiId !== null && first("a", e.apiId)) c.apis.push({ id: e.apiId, name: e.apiName ?? e.apiId });
  }
  for (const s of batch.stats) if (s.at * 1000 < firstMs) firstMs = s.at * 1000;
  c.nodes.push({
    id: batch.node.id,
    hostname: batch.node.hostname,
    version: batch.node.version,
    first_seen_ms: String(firstMs),
  });
  return c;
}

const KIND_OF: [Exclude<keyof EntityCatalog, never>, Kind][] = [
  ["nodes", "n"],
  ["workspaces", "w"],
  ["services", "s"],
  ["routes", "r"],
  ["consumers", "c"],
  ["apis", "a"],
];

/**
 * The entities of the catalogs (one per batch of a transaction) this process has not registered yet, each
 * once (one Set lookup per entity).
 */
export function collectUnseen(db: Db, catalogs: readonly EntityCatalog[]): Discovery {
  const known = seenOf(db);
  const d: Discovery = {
    workspaces: [],
    services: [],
    routes: [],
    consumers: [],
    apis: [],
    nodes: [],
    keys: [],
  };
  for (const catalog of catalogs)
    for (const [list, kind] of KIND_OF) {
      const set = known[kind];
      for (const row of catalog[list]) {
        const id = row.id as string;
        if (set.has(id)) continue;
        set.add(id); // provisional: removed again by `forgetUnseen` if the transaction fails
        d.keys.push([kind, id]);
        d[list].push(row);
      }
    }
  return d;
}

/** Undo provisional marks after a failed transaction, so the next batch tries again. */
export function forgetUnseen(db: Db, d: Discovery): void {
  const known = seenOf(db);
  for (const [kind, id] of d.keys) known[kind].delete(id);
}

const byId = (a: Row, b: Row) => ((a.id as string) < (b.id as string) ? -1 : 1);
const col = (rows: Row[], key: string) => sql.param(rows.map((r) => r[key]));

/** Inserts unseen entities inside the batch transaction, rows sorted by id in a fixed table order (R6). */
export async function registerEntities(tx: Db, d: Discovery): Promise<void> {
  if (d.nodes.length) {
    await tx.execute(sql`INSERT INTO nodes (id, hostname, version, first_seen_at)
      SELECT u.id, u.hostname, u.version, to_timestamp(u.ms / 1000.0)
      FROM unnest(${col(d.nodes, "id")}::uuid[], ${col(d.nodes, "hostname")}::text[], ${col(d.nodes, "version")}::text[],
                  ${col(d.nodes, "first_seen_ms")}::float8[]) AS u(id, hostname, version, ms)
      ON CONFLICT DO NOTHING`);
  }
  if (d.workspaces.length) {
    const rows = d.workspaces.sort(byId);
    await tx.execute(sql`INSERT INTO workspaces (id, name)
      SELECT * FROM unnest(${col(rows, "id")}::uuid[], ${col(rows, "name")}::text[]) ON CONFLICT DO NOTHING`);
    await tx.execute(sql`INSERT INTO workspaces (id, name)
      SELECT id, id::text FROM unnest(${col(rows, "id")}::uuid[]) AS u(id) ON CONFLICT DO NOTHING`);
  }
  if (d.services.length) {
    const rows = d.services.sort(byId);
    await tx.execute(sql`INSERT INTO services (id, name, host, ws_id, discovered)
      SELECT id, name, host, ws, true FROM unnest(${col(rows, "id")}::uuid[], ${col(rows, "name")}::text[],
        ${col(rows, "host")}::text[], ${col(rows, "ws")}::uuid[]) AS u(id, name, host, ws)
      ON CONFLICT DO NOTHING`);
    await tx.execute(sql`INSERT INTO services (id, host, ws_id, discovered)
      SELECT id, host, ws, true FROM unnest(${col(rows, "id")}::uuid[], ${col(rows, "host")}::text[],
        ${col(rows, "ws")}::uuid[]) AS u(id, host, ws)
      ON CONFLICT DO NOTHING`);
  }
  if (d.routes.length) {
    const rows = d.routes.sort(byId);
    await tx.execute(sql`INSERT INTO routes (id, name, service_id, ws_id, discovered)
      SELECT id, name, service, ws, true FROM unnest(${col(rows, "id")}::uuid[], ${col(rows, "name")}::text[],
        ${col(rows, "service")}::uuid[], ${col(rows, "ws")}::uuid[]) AS u(id, name, service, ws)
      ON CONFLICT DO NOTHING`);
    await tx.execute(sql`INSERT INTO routes (id, service_id, ws_id, discovered)
      SELECT id, service, ws, true FROM unnest(${col(rows, "id")}::uuid[], ${col(rows, "service")}::uuid[],
        ${col(rows, "ws")}::uuid[]) AS u(id, service, ws)
      ON CONFLICT DO NOTHING`);
  }
  if (d.consumers.length) {
    const rows = d.consumers.sort(byId);
    await tx.execute(sql`INSERT INTO consumers (id, username, custom_id, ws_id, discovered)
      SELECT id, username, custom, ws, true FROM unnest(${col(rows, "id")}::uuid[], ${col(rows, "username")}::text[],
        ${col(rows, "custom")}::text[], ${col(rows, "ws")}::uuid[]) AS u(id, username, custom, ws)
      ON CONFLICT DO NOTHING`);
    await tx.execute(sql`INSERT INTO consumers (id, ws_id, discovered)
      SELECT id, ws, true FROM unnest(${col(rows, "id")}::uuid[], ${col(rows, "ws")}::uuid[]) AS u(id, ws)
      ON CONFLICT DO NOTHING`);
  }
  if (d.apis.length) {
    const rows = d.apis.sort(byId);
    // upstream_url is required by the Admin API entity; traffic does not carry it.
    await tx.execute(sql`INSERT INTO apis (id, name, upstream_url, discovered)
      SELECT id, name, '', true FROM unnest(${col(rows, "id")}::uuid[], ${col(rows, "name")}::text[]) AS u(id, name)
      ON CONFLICT DO NOTHING`);
    await tx.execute(sql`INSERT INTO apis (id, name, upstream_url, discovered)
      SELECT id, id::text, '', true FROM unnest(${col(rows, "id")}::uuid[]) AS u(id) ON CONFLICT DO NOTHING`);
  }
}
