import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { Dataset } from "./datasets";

/**
 * Streams a dataset as RFC 4180 CSV (header row, CRLF-free `\n` records, nulls as empty cells) through
 * csv-stringify, so large exports never build one big string.
 */
export function csvStream(d: Dataset): ReadableStream<Uint8Array> {
  const stringifier = stringify({ header: true, columns: d.columns, cast: { number: (n) => String(n) } });
  const source = Readable.from(d.rows, { objectMode: true });
  source.on("error", (err) => stringifier.destroy(err));
  source.pipe(stringifier);
  return Readable.toWeb(stringifier) as unknown as ReadableStream<Uint8Array>;
}
