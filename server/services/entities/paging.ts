import { invalidOffset, invalidSize } from "./kong-dao-error";

/** Kong's page size rules (kong/api/endpoints.lua): default 100, at most 1000. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export type PageParams = { size?: string | number | null; offset?: string | null };
export type Page<T> = { data: T[]; offset: string | null };

export function parsePageSize(size: PageParams["size"]): number {
  if (size === undefined || size === null || size === "") return DEFAULT_PAGE_SIZE;
  const n = typeof size === "number" ? size : Number(size);
  if (!Number.isFinite(n)) throw invalidSize("size must be a number");
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE)
    throw invalidSize(`size must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  return n;
}

/** Kong's opaque offset: base64 of the JSON-encoded last primary key of the previous page (postgres strategy). */
export function encodeOffset(id: string): string {
  return Buffer.from(JSON.stringify([id])).toString("base64");
}

export function decodeOffset(offset: PageParams["offset"]): string | null {
  if (offset === undefined || offset === null || offset === "") return null;
  let parsed: unknown;
  try {
    const text = Buffer.from(offset, "base64").toString("utf8");
    if (Buffer.from(text).toString("base64").replace(/=+$/, "") !== offset.replace(/=+$/, ""))
      throw new Error();
    parsed = JSON.parse(text);
  } catch {
    throw invalidOffset(offset, "bad base64 encoding");
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== "string")
    throw invalidOffset(offset, "bad json encoding");
  return parsed[0];
}
