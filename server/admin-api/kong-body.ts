import { ValidationError } from "@/server/errors";
import type { BodySource } from "@/server/services/entities/validate";

export type KongBody = { body: Record<string, unknown>; source: BodySource };

/** Kong's answer to a JSON body it cannot parse. */
export class BodyParseError extends ValidationError {
  constructor() {
    super("Cannot parse JSON body");
    this.name = "BodyParseError";
  }
}

/**
 * Reads an Admin API body the way Kong does (kong/api/arguments.lua): JSON, form-urlencoded or multipart.
 * Form keys are dotted and indexed (`config.metrics[1].name=…`, 1-based; `tags[]=…`), a repeated key is an
 * array, and an empty value means null. Values stay strings; the services convert them by schema type.
 */
export async function parseKongBody(req: Request): Promise<KongBody> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (type.includes("multipart/form-data")) {
    const form = await req.formData();
    const entries: [string, string][] = [];
    form.forEach((v, k) => {
      if (typeof v === "string") entries.push([k, v]);
    });
    return { body: decodeFormEntries(entries), source: "form" };
  }
  const text = await req.text();
  if (text.trim() === "") return { body: {}, source: type.includes("json") ? "json" : "form" };
  if (
    type.includes("application/json") ||
    (!type.includes("x-www-form-urlencoded") && /^\s*[[{]/.test(text))
  ) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BodyParseError();
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new BodyParseError();
    return { body: parsed as Record<string, unknown>, source: "json" };
  }
  return { body: decodeFormEntries([...new URLSearchParams(text).entries()]), source: "form" };
}

type Segment = string | number | "[]";

function splitKey(key: string): Segment[] {
  const out: Segment[] = [];
  for (const part of key.split(".")) {
    const m = /^([^[\]]*)((?:\[\d*\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1] !== "") out.push(m[1]);
    for (const idx of m[2].match(/\[(\d*)\]/g) ?? []) {
      const n = idx.slice(1, -1);
      out.push(n === "" ? "[]" : Number(n));
    }
  }
  return out;
}

type Node = Record<string, unknown> | unknown[];

/** Builds the nested body from form entries (exported for tests of Kong's key grammar). */
export function decodeFormEntries(entries: [string, string][]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, raw] of entries) {
    const value: unknown = raw === "" ? null : raw;
    const path = splitKey(key);
    if (path.length === 0) continue;
    let node: Node = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (last) {
        assign(node, seg, value);
        break;
      }
      const next = path[i + 1];
      const existing = read(node, seg);
      let child: Node;
      if (typeof existing === "object" && existing !== null) child = existing as Node;
      else {
        child = typeof next === "number" || next === "[]" ? [] : {};
        if (seg === "[]") (node as unknown[]).push(child);
        else write(node, seg, child);
      }
      node = child;
    }
  }
  return densify(root) as Record<string, unknown>;
}

function read(node: Node, seg: Segment): unknown {
  if (seg === "[]") return undefined;
  if (Array.isArray(node)) return typeof seg === "number" ? node[seg - 1] : undefined;
  return node[String(seg)];
}

function write(node: Node, seg: Segment, value: unknown): void {
  if (Array.isArray(node) && typeof seg === "number") node[seg - 1] = value;
  else if (!Array.isArray(node)) node[String(seg)] = value;
}

function assign(node: Node, seg: Segment, value: unknown): void {
  if (seg === "[]") {
    if (Array.isArray(node)) node.push(value);
    return;
  }
  const existing = read(node, seg);
  // A repeated plain key (`allow_status_codes=200-299&allow_status_codes=500-599`) collects into an array.
  if (existing !== undefined && !Array.isArray(node) && typeof seg === "string") {
    write(node, seg, Array.isArray(existing) ? [...existing, value] : [existing, value]);
  } else write(node, seg, value);
}

function densify(v: unknown): unknown {
  if (Array.isArray(v)) return Array.from(v, (e) => (e === undefined ? null : densify(e)));
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) out[k] = densify(e);
    return out;
  }
  return v;
}

/** Kong's paged list body: `next` is the same path and query with the new offset, or null. */
export function kongListBody<T>(
  path: string,
  page: { data: T[]; offset: string | null },
  query: URLSearchParams,
): Record<string, unknown> {
  if (!page.offset) return { data: page.data, next: null };
  const params = new URLSearchParams(query);
  params.set("offset", page.offset);
  return { data: page.data, next: `${path}?${params.toString()}`, offset: page.offset };
}
