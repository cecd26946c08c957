/**
 * Fixed-bucket latency histograms, mergeable across nodes and time (kong-vitals §0.7).
 *
 * Latencies are integer milliseconds. Bucket i holds values v with bounds[i-1] < v <= bounds[i]; the last
 * bucket is the overflow (v > bounds[bounds.length - 1]), so an array has bounds.length + 1 counts.
 * Below `exactBelow` every integer has its own bucket; above it each bucket spans at most `growth`×, so the
 * estimate 2·lo·hi/(lo+hi) is within (hi-lo)/(hi+lo) of any value in the bucket: < 5 % for growth 1.1.
 */
export type HistogramScheme = {
  bounds: readonly number[];
  /** index of the bucket for integer latency v in [0, maxExact]; larger values go through `bucketOf`. */
  lookup: Uint16Array;
};

const MAX_TRACKED_MS = 60_000;

function makeScheme(growth: number, exactBelow: number): HistogramScheme {
  const bounds: number[] = [];
  for (let v = 0; v <= exactBelow; v++) bounds.push(v);
  let last = exactBelow;
  while (last < MAX_TRACKED_MS) {
    const lo = last + 1;
    // largest hi with hi <= growth * lo keeps the bucket's relative span under `growth`.
    const hi = Math.max(lo, Math.floor(lo * growth));
    bounds.push(Math.min(hi, MAX_TRACKED_MS));
    last = bounds[bounds.length - 1];
  }
  const lookup = new Uint16Array(MAX_TRACKED_MS + 1);
  let b = 0;
  for (let v = 0; v <= MAX_TRACKED_MS; v++) {
    while (bounds[b] < v) b++;
    lookup[v] = b;
  }
  return { bounds, lookup };
}

/** Health rollups: p50/p95/p99 within 5 % relative error (checked by a test on simulator data). */
export const HEALTH_HISTOGRAM = makeScheme(1.1, 10);
/** Entity rollups (services, routes, consumers): coarser, about ±12 %, to keep high-cardinality rows small. */
export const ENTITY_HISTOGRAM = makeScheme(1.25, 5);

export function bucketOf(scheme: HistogramScheme, ms: number): number {
  if (ms <= 0) return 0;
  if (ms > MAX_TRACKED_MS) return scheme.bounds.length;
  return scheme.lookup[Math.ceil(ms)];
}

export function emptyHistogram(scheme: HistogramScheme): number[] {
  return new Array(scheme.bounds.length + 1).fill(0);
}

/** Element-wise sum; arrays may differ in length (a missing tail counts as zeros). */
export function mergeHistograms(
  a: readonly number[] | null | undefined,
  b: readonly number[] | null | undefined,
) {
  if (!a) return b ? [...b] : null;
  if (!b) return [...a];
  const out = new Array(Math.max(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return out as number[];
}

/**
 * Nearest-rank quantile estimate (q in (0, 1]). Returns null for an empty histogram. When the exact
 * min and max are known the estimate is clamped to them, which makes p0/p100-like ranks exact.
 */
export function quantile(
  scheme: HistogramScheme,
  counts: readonly number[] | null | undefined,
  q: number,
  min?: number | null,
  max?: number | null,
): number | null {
  if (!counts) return null;
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  let i = 0;
  for (; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) break;
  }
  const { bounds } = scheme;
  let estimate: number;
  if (i >= bounds.length) estimate = max ?? bounds[bounds.length - 1];
  else {
    const hi = bounds[i];
    const lo = i === 0 ? hi : bounds[i - 1] + 1;
    estimate = lo === hi ? hi : (2 * lo * hi) / (lo + hi);
  }
  if (min != null && estimate < min) estimate = min;
  if (max != null && estimate > max) estimate = max;
  return Math.round(estimate * 100) / 100;
}
