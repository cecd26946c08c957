/**
 * Typed domain errors. Services throw these; they are mapped once: to TRPCError in server/trpc.ts, to Kong's
 * error JSON in the Admin API helper, to HTTP statuses in the ingest and metrics handlers.
 */
export class NotFoundError extends Error {
  constructor(message = "Not found") {
    super(message);
    this.name = "NotFoundError";
  }
}

export class ConflictError extends Error {
  constructor(
    message: string,
    /** Kong's unique-violation `fields` (kong-plugins §1e.2). */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ConflictError";
  }
}

/** A nested error tree in Kong's shape: {config: {metrics: [null, {sample_rate: "..."}]}}. */
export type FieldErrorTree = { [key: string]: FieldErrorValue };
export type FieldErrorValue = string | string[] | FieldErrorTree | (FieldErrorValue | null)[] | null;

export class ValidationError extends Error {
  constructor(
    message: string,
    /** Flat list of `path: message` issues, e.g. `requests[3].response.status: expected integer 100–999`. */
    readonly issues: { path: string; message: string }[] = [],
    /** Kong-shaped nested tree, where the caller speaks Kong (Admin API, plugin forms). */
    readonly fields?: FieldErrorTree,
  ) {
    super(message);
    this.name = "ValidationError";
  }
}

/** Body larger than the configured limit. */
export class PayloadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = "PayloadTooLargeError";
  }
}

/** The database cannot be reached; callers answer 503 with Retry-After. */
export class DatabaseUnavailableError extends Error {
  constructor(cause?: unknown) {
    super("database unavailable", { cause });
    this.name = "DatabaseUnavailableError";
  }
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

/** True when `err` (or its cause chain) says the database is unreachable rather than the query being wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
