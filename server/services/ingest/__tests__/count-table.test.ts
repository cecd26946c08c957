import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/simulator/random";
import { CountTable } from "../aggregate";

describe("CountTable", () => {
  it("counts like a Map over keys past 2³² and through several growths", () => {
    const rng = createRng(7);
    const table = new CountTable();
    const map = new Map<number, number>();
    // consumer×route keys as aggregateBatches makes them: (consumer · n + pair) · 1000 + status
    const n = 80_002;
    for (let i = 0; i < 60_000; i++) {
      const key =
        (Math.floor(rng() * 5000) * n + Math.floor(rng() * 1000)) * 1000 + 200 + Math.floor(rng() * 4);
      const count = 1 + Math.floor(rng() * 3);
      table.add(key, count);
      map.set(key, (map.get(key) ?? 0) + count);
    }
    table.add(0);
    map.set(0, 1);
    const seen = new Map<number, number>();
    table.forEach((key, count) => {
      expect(seen.has(key)).toBe(false);
      seen.set(key, count);
    });
    expect(map.size).toBeGreaterThan(8192); // grown past its first size at least once
    expect([...seen].sort((a, b) => a[0] - b[0])).toEqual([...map].sort((a, b) => a[0] - b[0]));
  });
});
