import { timingSafeEqual } from "node:crypto";
import { type Db, getDb } from "@/db/client";
import { isDatabaseUnavailable, PayloadTooLargeError, ValidationError } from "@/server/errors";
import { getIngestObservers } from "@/server/runtime";
import { ingestBody, ingestReply } from "@/server/services/ingest/ingest-queue";
import { type ParseSpec, parseIngestBody } from "@/server/services/ingest/prepare";

/**
 * The HTTP edge shared by the two ingest endpoints: bearer token, body limit, JSON, error mapping.
 * The reply is sent only after the batch committed (ingestBatch returns after commit).
 */

/** 16 MiB: a 20k-event batch is ~7.5 MB of JSON (377 bytes/event, ingest-limits). */
const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
const RETRY_AFTER_S = "5";

function maxBodyBytes(): number {
  const n = Number(process.env.INGEST_MAX_BODY_BYTES);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_BODY;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}

/** null when authorised; INGEST_TOKEN unset means open ingest (a laptop demo). */
function checkToken(req: Request): Response | null {
  const token = process.env.INGEST_TOKEN;
  if (!token) return null;
  const header = req.headers.get("authorization") ?? "";
  const given = Buffer.from(header.startsWith("Bearer ") ? header.slice(7) : "");
  const want = Buffer.from(token);
  if (given.length === want.length && timingSafeEqual(given, want)) return null;
  return json(
    401,
    { message: "missing or invalid bearer token" },
    { "WWW-Authenticate": 'Bearer realm="ingest"' },
  );
}

/** Reads the body with a hard cap, without trusting Content-Length alone. */
async function readBody(req: Request): Promise<Buffer> {
  const limit = maxBodyBytes();
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel();
        throw new PayloadTooLargeError(limit);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks, total);
}

/**
 * Read → the ingest queue (prepared on a worker with whatever bodies arrived meanwhile, written in one group
 * commit) → reply; every failure becomes its documented status.
 */
export async function handleIngest(req: Request, spec: ParseSpec): Promise<Response> {
  const denied = checkToken(req);
  if (denied) return denied;
  try {
    const bytes = await readBody(req);
    let db: Db;
    try {
      db = await getDb();
    } catch (err) {
      parseIngestBody(bytes, spec); // bad input is a 400 even while the database is down
      throw err;
    }
    const result = await ingestBody(db, bytes, spec, { observers: await getIngestObservers() });
    return json(200, ingestReply(result));
  } catch (err) {
    if (err instanceof ValidationError) return json(400, { message: err.message, errors: err.issues });
    if (err instanceof PayloadTooLargeError) return json(413, { message: err.message });
    if (isDatabaseUnavailable(err) || isStartupFailure(err))
      return json(503, { message: "database unavailable, retry later" }, { "Retry-After": RETRY_AFTER_S });
    console.error("[gatewatch] ingest failed:", err);
    return json(500, { message: "internal error" });
  }
}

/** getDb() rejects with the driver's connection error when the database is down at start-up. */
function isStartupFailure(err: unknown): boolean {
  return err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e));
}
