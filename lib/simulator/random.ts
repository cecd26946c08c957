/** Small deterministic PRNG helpers, so a seed reproduces the same traffic. */
export type Rng = () => number;

/** mulberry32: fast, 32-bit state, good enough for traffic simulation. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal via Box–Muller. */
export function normal(rng: Rng): number {
  const u = Math.max(rng(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Log-normal with the given median and shape (sigma of the underlying normal). */
export function logNormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rng));
}

/** Cumulative weights for Zipf(s) over n ranks: rank 1 is the most frequent. */
export function zipfWeights(n: number, s = 1): Float64Array {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1) ** s;
    cumulative[i] = sum;
  }
  for (let i = 0; i < n; i++) cumulative[i] /= sum;
  return cumulative;
}

/** Index drawn from cumulative weights (binary search). */
export function pick(rng: Rng, cumulative: Float64Array): number {
  const x = rng();
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A version-4-shaped uuid from the rng (deterministic per seed). */
export function uuidFrom(rng: Rng): string {
  const hex: string[] = [];
  for (let i = 0; i < 16; i++)
    hex.push(
      Math.floor(rng() * 256)
        .toString(16)
        .padStart(2, "0"),
    );
  hex[6] = `4${hex[6][1]}`;
  hex[8] = ((Number.parseInt(hex[8], 16) & 0x3f) | 0x80).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
