import { RANGE_PRESET_KEYS, type RangeInput, type RangePreset } from "@/lib/time-range";
import { isUuid } from "@/lib/uuid";
import { ValidationError } from "@/server/errors";
import { ENTITY_KINDS, ENTITY_SCOPES, type EntityKind, type EntityScope } from "../rollups/read/types";

/**
 * Query parameters of the CSV exports; they mirror the dashboard tRPC inputs so a download holds what the
 * chart shows: `range=1h` (preset) or `from`&`to` (unix seconds, absolute), `node` (the subject node),
 * `overlay` (repeatable: nodes drawn over the cluster), `kind`+`id` (entity), `serviceId`/`routeId`/
 * `consumerId`/`limit` (consumer×route), `page`, `tz` (accepted, ignored: CSV times are always UTC).
 */
export type ExportParams = {
  range: RangeInput;
  node?: string;
  overlay: string[];
  kind?: string;
  id?: string;
  serviceId?: string;
  routeId?: string;
  consumerId?: string;
  limit?: number;
  page?: string;
};

function bad(param: string, message: string): ValidationError {
  return new ValidationError(`${param}: ${message}`, [{ path: param, message }]);
}

function uuidParam(url: URL, name: string): string | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === "") return undefined;
  if (!isUuid(v)) throw bad(name, "expected a UUID");
  return v;
}

function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === "") return undefined;
  if (!/^\d+$/.test(v)) throw bad(name, "expected unix seconds (a non-negative integer)");
  return Number(v);
}

export function parseExportParams(url: URL): ExportParams {
  const from = intParam(url, "from");
  const to = intParam(url, "to");
  let range: RangeInput;
  if (from !== undefined || to !== undefined) {
    if (from === undefined) throw bad("from", "required with to");
    if (to === undefined) throw bad("to", "required with from");
    if (to <= from) throw bad("to", "must be after from");
    range = { from, to };
  } else {
    const preset = url.searchParams.get("range") ?? "1h";
    if (!(RANGE_PRESET_KEYS as string[]).includes(preset))
      throw bad("range", `expected one of ${RANGE_PRESET_KEYS.join(", ")}`);
    range = { preset: preset as RangePreset };
  }
  const overlay = url.searchParams.getAll("overlay").filter((v) => v !== "");
  for (const [i, v] of overlay.entries()) if (!isUuid(v)) throw bad(`overlay[${i}]`, "expected a UUID");
  if (overlay.length > 50) throw bad("overlay", "at most 50 nodes");
  const limitRaw = intParam(url, "limit");
  if (limitRaw !== undefined && (limitRaw < 1 || limitRaw > 1000)) throw bad("limit", "expected 1–1000");
  const tz = url.searchParams.get("tz");
  if (tz !== null && tz !== "utc" && tz !== "local") throw bad("tz", "expected utc or local");
  return {
    range,
    node: uuidParam(url, "node"),
    overlay,
    kind: url.searchParams.get("kind") ?? undefined,
    id: url.searchParams.get("id") ?? undefined,
    serviceId: uuidParam(url, "serviceId"),
    routeId: uuidParam(url, "routeId"),
    consumerId: uuidParam(url, "consumerId"),
    limit: limitRaw,
    page: url.searchParams.get("page") ?? undefined,
  };
}

/** kind+id for status codes: cluster/unmatched without id, the rest with a UUID. */
export function scopeOf(p: ExportParams): { kind: EntityScope; id?: string } {
  const kind = p.kind ?? (p.node ? "node" : "cluster");
  if (!(ENTITY_SCOPES as readonly string[]).includes(kind))
    throw bad("kind", `expected one of ${ENTITY_SCOPES.join(", ")}`);
  const id = p.id ?? (kind === "node" ? p.node : undefined);
  if (id !== undefined && !isUuid(id)) throw bad("id", "expected a UUID");
  if (id === undefined && kind !== "cluster" && kind !== "unmatched")
    throw bad("id", `required for kind=${kind}`);
  return { kind: kind as EntityScope, id };
}

export function entityKindOf(p: ExportParams): EntityKind {
  if (!p.kind) throw bad("kind", `required: one of ${ENTITY_KINDS.join(", ")}`);
  if (!(ENTITY_KINDS as readonly string[]).includes(p.kind))
    throw bad("kind", `expected one of ${ENTITY_KINDS.join(", ")}`);
  return p.kind as EntityKind;
}

export const PAGES = ["overview", "node", ...ENTITY_KINDS] as const;
export type Page = (typeof PAGES)[number];

export function pageOf(p: ExportParams): Page {
  if (!p.page) throw bad("page", `required: one of ${PAGES.join(", ")}`);
  if (!(PAGES as readonly string[]).includes(p.page))
    throw bad("page", `expected one of ${PAGES.join(", ")}`);
  if (p.page === "node" && !p.node) throw bad("node", "required for page=node");
  if ((ENTITY_KINDS as readonly string[]).includes(p.page)) {
    if (!p.id) throw bad("id", `required for page=${p.page}`);
    if (!isUuid(p.id)) throw bad("id", "expected a UUID");
  }
  return p.page as Page;
}

export { bad as invalidExportParam };
