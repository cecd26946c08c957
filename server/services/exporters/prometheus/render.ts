/**
 * Prometheus text format 0.0.4 renderer with Kong's output rules (kong-plugins §1a.4): families and series in
 * byte-wise order of Kong's stored keys (the metric name without `kong_`, then the label text), `# HELP` and
 * `# TYPE` right before a family's first line, a histogram prints every `_bucket` line, then every `_count`,
 * then every `_sum`, values in Lua's `%.14g`, and a final newline.
 *
 * Input is columnar (pre-escaped label strings plus numeric arrays) and output is plain string building: this
 * is what keeps a 50k-series scrape inside ~20 ms (ingest-limits §F, `npm run bench:metrics`).
 */

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type ScalarFamily = {
  type: "counter" | "gauge";
  /** Short name, without the `kong_` prefix. */
  name: string;
  help: string;
  /** Pre-escaped label text per series, without braces (`code="200",service="a"`); "" for no labels. */
  labels: string[];
  values: ArrayLike<number>;
};

export type HistogramFamily = {
  type: "histogram";
  name: string;
  help: string;
  /** Printed `le` per bucket, the last one `+Inf`. */
  le: readonly string[];
  /** Pre-escaped label text per series, without `le` and braces. */
  labels: string[];
  /** Cumulative bucket counts, row-major: series i's buckets are [i*le.length, (i+1)*le.length). */
  buckets: ArrayLike<number>;
  counts: ArrayLike<number>;
  sums: ArrayLike<number>;
};

export type Family = ScalarFamily | HistogramFamily;

/** Lua's default number format (`%.14g`): integers print without a decimal point. */
export function formatValue(v: number): string {
  if (Number.isInteger(v) && v < 1e14 && v > -1e14) return `${v}`;
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 14) {
    const [mantissa, e] = v.toExponential(13).split("e");
    const m = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    const n = Number(e);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const fixed = v.toFixed(Math.max(0, 13 - exp));
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

function sortKey(f: Family): string {
  if (f.type === "histogram") return `${f.name}_bucket{`;
  return f.labels.length > 0 && f.labels[0] !== "" ? `${f.name}{` : f.name;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The last few series orders per family. When a scrape repeats the previous one's label sets in the same
 * order (no write in between), the byte-wise sort, the costliest step at 50k series, is skipped. An order is
 * reused only when every label matches.
 */
const ORDER_CACHE_PER_FAMILY = 4;
const orderCache = new Map<string, { labels: string[]; order: number[] }[]>();

function sameLabels(a: string[], b: string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Series indexes in byte-wise label order (UTF-16 order equals byte order for the ASCII Kong keeps). */
function sortedIndexes(cacheKey: string, labels: string[]): number[] {
  const cached = orderCache.get(cacheKey);
  if (cached) {
    for (const entry of cached) if (sameLabels(entry.labels, labels)) return entry.order;
  }
  const order = new Array<number>(labels.length);
  for (let i = 0; i < labels.length; i++) order[i] = i;
  let sorted = true;
  for (let i = 1; i < labels.length && sorted; i++) if (labels[i - 1] > labels[i]) sorted = false;
  if (!sorted) order.sort((a, b) => byteOrder(labels[a], labels[b]));
  const entries = cached ?? [];
  entries.unshift({ labels, order });
  if (entries.length > ORDER_CACHE_PER_FAMILY) entries.pop();
  orderCache.set(cacheKey, entries);
  return order;
}

export function renderExposition(families: readonly Family[], prefix = "kong_"): string {
  const ordered = families
    .filter((f) => f.labels.length > 0)
    .map((f) => ({ f, key: sortKey(f) }))
    .sort((a, b) => byteOrder(a.key, b.key));
  let out = "";
  for (const { f } of ordered) {
    const name = prefix + f.name;
    out += `# HELP ${name} ${f.help}\n# TYPE ${name} ${f.type}\n`;
    const order = sortedIndexes(name, f.labels);
    if (f.type !== "histogram") {
      for (const i of order) {
        const l = f.labels[i];
        out +=
          l === "" ? `${name} ${formatValue(f.values[i])}\n` : `${name}{${l}} ${formatValue(f.values[i])}\n`;
      }
      continue;
    }
    const width = f.le.length;
    const lePrefix = f.le.map((le) => `le="${le}"} `);
    const bucketName = `${name}_bucket{`;
    for (const i of order) {
      const l = f.labels[i];
      const head = l === "" ? bucketName : `${bucketName}${l},`;
      const base = i * width;
      for (let k = 0; k < width; k++) out += `${head}${lePrefix[k]}${formatValue(f.buckets[base + k])}\n`;
    }
    for (const i of order) {
      const l = f.labels[i];
      out += `${name}_count${l === "" ? "" : `{${l}}`} ${formatValue(f.counts[i])}\n`;
    }
    for (const i of order) {
      const l = f.labels[i];
      out += `${name}_sum${l === "" ? "" : `{${l}}`} ${formatValue(f.sums[i])}\n`;
    }
  }
  return out;
}

/** Legacy plugin (≤ 1.3.0): drop every byte outside printable ASCII, then escape `\` and `"` (§1a.4). */
export function escapeLegacy(value: string): string {
  const ascii = /[^\x20-\x7e]/.test(value) ? value.replace(/[^\x20-\x7e]/g, "") : value;
  return /["\\]/.test(ascii) ? ascii.replace(/[\\"]/g, (c) => `\\${c}`) : ascii;
}

/**
 * Kong 3.x keeps UTF-8 and escapes `\` and `"`. It leaves a newline raw, which breaks the text format for every
 * parser (promtool, Prometheus); we escape it as `\n` as the format requires.
 */
export function escapeModern(value: string): string {
  return /["\\\n]/.test(value) ? value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`)) : value;
}
