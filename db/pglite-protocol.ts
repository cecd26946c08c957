/** What execWithParams needs of PGlite: its own instance, or the handle of one on its thread (pglite-thread.ts). */
export type ProtocolClient = {
  execProtocol(message: Uint8Array, options?: { syncToFs?: boolean }): Promise<unknown>;
  isInTransaction(): boolean;
};

/**
 * The PGlite client under a database handle, or null for postgres.js. A shape check, so that modules the
 * ingest workers load (write-rollups.ts) need not load either driver.
 */
export function pgliteOf(db: { $client: unknown }): ProtocolClient | null {
  const client = db.$client as Partial<ProtocolClient>;
  return typeof client.execProtocol === "function" ? (client as ProtocolClient) : null;
}

/** A parameter: text (format 0), bytes already in the parameter type's binary format (1), or NULL. */
export type WireParam = string | Uint8Array | null;

/**
 * One statement with its parameters, sent to PGlite as a ready-made extended-query message
 * (Parse, Bind, Execute, Sync; PostgreSQL protocol §55.7).
 *
 * Why: PGlite's `query()` serializes parameters in JS: it measures each string's UTF-8 length char by char
 * (twice), grows its buffer by half at a time and copies the message three times. For ingest's rollup
 * inserts, whose parameters are arrays of up to a megabyte, that was ~1.3 s of main-thread time per 160k
 * events (bench:ingest's PGlite run, CPU profile), a quarter of the run. Here lengths and copies are Buffer's
 * native ones, the statement takes one call into PGlite instead of five (query() also sends two Describes
 * and a separate Sync), and a parameter may be binary (db/binary-array.ts), which query() cannot send for
 * an array.
 *
 * Only inside `client.transaction()`: `execProtocol` takes none of PGlite's locks, and the transaction's lock
 * is what keeps other queries out meanwhile. Errors are thrown as PGlite throws them (a DatabaseError with
 * the SQLSTATE in `code`), and the Sync ends the statement either way.
 */
export async function execWithParams(
  client: ProtocolClient,
  text: string,
  params: readonly WireParam[],
): Promise<void> {
  if (!client.isInTransaction()) throw new Error("execWithParams runs inside a PGlite transaction only");
  const textBytes = Buffer.byteLength(text, "utf8");
  const sizes = params.map((p) =>
    p === null ? 0 : typeof p === "string" ? Buffer.byteLength(p, "utf8") : p.byteLength,
  );
  // Each message: a type byte, then an int32 length that counts itself and the body.
  const parseLength = 4 + 1 + textBytes + 1 + 2; // unnamed statement, query, no parameter types
  const bindLength = 4 + 1 + 1 + 2 + 2 * params.length + 2 + sizes.reduce((n, b) => n + 4 + b, 0) + 2;
  const executeLength = 4 + 1 + 4; // unnamed portal, no row limit
  const syncLength = 4;
  const message = Buffer.allocUnsafe(4 + parseLength + bindLength + executeLength + syncLength);
  let at = 0;
  const byte = (v: number) => {
    at = message.writeUInt8(v, at);
  };
  const int16 = (v: number) => {
    at = message.writeInt16BE(v, at);
  };
  const int32 = (v: number) => {
    at = message.writeInt32BE(v, at);
  };

  byte(0x50); // 'P' Parse
  int32(parseLength);
  byte(0); // unnamed statement
  at += message.write(text, at, textBytes, "utf8");
  byte(0);
  int16(0);

  byte(0x42); // 'B' Bind
  int32(bindLength);
  byte(0); // unnamed portal
  byte(0); // unnamed statement
  int16(params.length);
  for (const p of params) int16(p instanceof Uint8Array ? 1 : 0);
  int16(params.length);
  params.forEach((p, i) => {
    int32(p === null ? -1 : sizes[i]);
    if (typeof p === "string") at += message.write(p, at, sizes[i], "utf8");
    else if (p !== null) {
      message.set(p, at);
      at += sizes[i];
    }
  });
  int16(0); // results in text format (an INSERT without RETURNING has none)

  byte(0x45); // 'E' Execute
  int32(executeLength);
  byte(0);
  int32(0);

  byte(0x53); // 'S' Sync
  int32(syncLength);

  await client.execProtocol(message, { syncToFs: false });
}
