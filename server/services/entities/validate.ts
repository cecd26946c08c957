import {
  flatKongIssues,
  type KongFieldErrors,
  kongSchemaViolationMessage,
  kongUniqueViolationMessage,
} from "@/lib/plugins/kong-errors";
import { inferKongTypes, type KongRecordField, validateKongField } from "@/lib/plugins/kong-schema";
import { ConflictError, ValidationError } from "@/server/errors";

/** Where a body came from: form bodies carry strings that Kong converts by schema type (kong/api/arguments.lua). */
export type BodySource = "json" | "form";

/** Kong's 400 schema violation: message built from the tree, plus flat issues for forms. */
export function schemaViolation(fields: KongFieldErrors): ValidationError {
  return new ValidationError(kongSchemaViolationMessage(fields), flatKongIssues(fields), fields);
}

export function uniqueViolation(key: Record<string, unknown>): ConflictError {
  return new ConflictError(kongUniqueViolationMessage(key), key);
}

export function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body))
    throw schemaViolation({ "@entity": ["expected a record"] });
  return body as Record<string, unknown>;
}

/** Validates a whole entity body as Kong inserts it (defaults filled); throws Kong's schema violation. */
export function validateRecordBody<T>(
  record: KongRecordField,
  body: Record<string, unknown>,
  source: BodySource,
): T {
  const input = source === "form" ? inferKongTypes(record, body) : body;
  const r = validateKongField(record, input);
  if (r.errors !== null) {
    const fields = typeof r.errors === "string" ? { "@entity": [r.errors] } : (r.errors as KongFieldErrors);
    throw schemaViolation(fields);
  }
  return r.value as T;
}

/** Top-level merge Kong applies on PATCH; records (config, queue) merge recursively, arrays are replaced. */
export function mergePatch(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    if (isRecord(v) && isRecord(cur) && !("id" in v && Object.keys(v).length === 1))
      out[k] = mergePatch(cur, v);
    else out[k] = v;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * True when a write lost a race against a concurrent one on a UNIQUE constraint (SQLSTATE 23505, possibly
 * wrapped by drizzle). The pre-checks give Kong's exact message; this is the fallback for the race.
 */
export function isUniqueViolationError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Runs a write, turning a lost unique race into Kong's 409 for `key`. */
export async function guardUnique<T>(
  write: () => Promise<T>,
  key: () => Record<string, unknown>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolationError(err)) throw uniqueViolation(key());
    throw err;
  }
}
