/**
 * One-dimensional arrays in PostgreSQL's binary format (what `array_recv` reads for a parameter sent with
 * format code 1): ndim, has-nulls flag, element type oid, then per dimension its length and lower bound,
 * then each element as an int32 byte length (-1 for NULL) and its binary value, all big-endian.
 *
 * Used for PGlite's ingest parameters: in WASM, reading a uuid or an integer from text is the largest part of
 * an unnest insert (13.5k consumer×route rows: 137 ms from text literals, 44 ms from these bytes).
 */
const ELEMENTS = {
  int2: { oid: 21, size: 2 },
  int8: { oid: 20, size: 8 },
  uuid: { oid: 2950, size: 16 },
  text: { oid: 25, size: -1 },
} as const;

export type BinaryElement = keyof typeof ELEMENTS;

export function isBinaryElement(type: string): type is BinaryElement {
  return Object.hasOwn(ELEMENTS, type);
}

const TWO_32 = 2 ** 32;

export function binaryArray(type: BinaryElement, values: readonly unknown[]): Uint8Array {
  const { oid, size } = ELEMENTS[type];
  let nulls = false;
  let bytes = values.length === 0 ? 12 : 20;
  for (const v of values) {
    if (v === null || v === undefined) nulls = true;
    else bytes += size >= 0 ? size : Buffer.byteLength(String(v), "utf8");
    bytes += 4;
  }
  const out = Buffer.alloc(bytes);
  let at = out.writeInt32BE(values.length === 0 ? 0 : 1, 0);
  at = out.writeInt32BE(nulls ? 1 : 0, at);
  at = out.writeInt32BE(oid, at);
  if (values.length > 0) {
    at = out.writeInt32BE(values.length, at);
    at = out.writeInt32BE(1, at);
  }
  for (const v of values) {
    if (v === null || v === undefined) {
      at = out.writeInt32BE(-1, at);
      continue;
    }
    if (type === "text") {
      const text = String(v);
      const length = Buffer.byteLength(text, "utf8");
      at = out.writeInt32BE(length, at);
      at += out.write(text, at, length, "utf8");
      continue;
    }
    at = out.writeInt32BE(size, at);
    if (type === "uuid") at = writeUuid(out, at, v);
    else if (type === "int2") at = out.writeInt16BE(integer(v, -32768, 32767), at);
    else {
      const n = integer(v, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      const high = Math.floor(n / TWO_32);
      at = out.writeInt32BE(high, at);
      at = out.writeUInt32BE(n - high * TWO_32, at);
    }
  }
  return out;
}

function integer(v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`binaryArray: ${String(v)} is not an integer in [${min}, ${max}]`);
  return v;
}

/** Hex digit values by char code, 255 for anything else. */
const HEX = new Uint8Array(128).fill(255);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[97 + c] = HEX[65 + c] = 10 + c;
/** Where each of a uuid's 16 bytes starts in its 8-4-4-4-12 spelling. */
const BYTE_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * Bytes of the uuids seen lately, at `slot` × 16 in one slab: a batch names the same few thousand services,
 * routes and consumers in every row, and a Map lookup takes half the time of reading 32 hex digits.
 */
const CACHED_UUIDS = 65_536;
const uuidSlab = new Uint8Array(CACHED_UUIDS * 16);
const uuidSlots = new Map<string, number>();

/** Writes the 16 bytes of an 8-4-4-4-12 hex uuid (the only spelling ingest accepts, lib/uuid.ts). */
function writeUuid(out: Buffer, at: number, v: unknown): number {
  let slot = uuidSlots.get(v as string);
  if (slot === undefined) {
    if (uuidSlots.size === CACHED_UUIDS) uuidSlots.clear();
    slot = uuidSlots.size * 16;
    parseUuid(v, uuidSlab, slot);
    uuidSlots.set(v as string, slot);
  }
  for (let b = 0; b < 16; b++) out[at + b] = uuidSlab[slot + b];
  return at + 16;
}

function parseUuid(v: unknown, out: Uint8Array, at: number): void {
  const s = v as string;
  if (
    typeof s !== "string" ||
    s.length !== 36 ||
    s.charCodeAt(8) !== 45 ||
    s.charCodeAt(13) !== 45 ||
    s.charCodeAt(18) !== 45 ||
    s.charCodeAt(23) !== 45
  )
    throw new RangeError(`binaryArray: ${String(v)} is not a uuid`);
  for (let b = 0; b < 16; b++) {
    const i = BYTE_AT[b];
    const c1 = s.charCodeAt(i);
    const c2 = s.charCodeAt(i + 1);
    const high = c1 < 128 ? HEX[c1] : 255;
    const low = c2 < 128 ? HEX[c2] : 255;
    if (high === 255 || low === 255) throw new RangeError(`binaryArray: ${s} is not a uuid`);
    out[at + b] = (high << 4) | low;
  }
}
