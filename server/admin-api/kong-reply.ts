import {
  ConflictError,
  DatabaseUnavailableError,
  isDatabaseUnavailable,
  NotFoundError,
  ValidationError,
} from "../errors";
import { KongDaoError } from "../services/entities/kong-dao-error";

/** Kong answers JSON with these exact shapes (kong-plugins §1e.2–1e.3). */
export function kongJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return jsonText(status, JSON.stringify(body), headers);
}

/** A body a service already wrote as JSON text (the large Vitals series: vitals/health.ts). */
export function jsonText(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export const notFound = () => kongJson(404, { message: "Not found" });

/**
 * The one place domain errors become Kong error JSON. Schema violations carry Kong's `code`/`name`/`message`
 * and nested `fields` (built by the plugin/entity validators); unique violations are 409 code 5.
 */
export function kongError(err: unknown): Response {
  if (err instanceof NotFoundError) return kongJson(404, { message: err.message || "Not found" });
  if (err instanceof ConflictError)
    return kongJson(409, {
      code: 5,
      name: "unique constraint violation",
      message: err.message,
      fields: err.fields,
    });
  if (err instanceof KongDaoError)
    return kongJson(400, {
      code: err.code,
      name: err.kongName,
      message: err.message,
      ...(err.kongFields ? { fields: err.kongFields } : {}),
    });
  if (err instanceof ValidationError) {
    if (err.fields)
      return kongJson(400, { code: 2, name: "schema violation", message: err.message, fields: err.fields });
    return kongJson(400, { message: err.message });
  }
  if (err instanceof DatabaseUnavailableError || isDatabaseUnavailable(err))
    return kongJson(503, { message: "database unavailable" }, { "Retry-After": "5" });
  console.error("[admin-api]", err);
  return kongJson(500, { message: "An unexpected error occurred" });
}
