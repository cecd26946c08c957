import { describe, expect, it } from "vitest";
import { isUuid, normalizeUuid } from "../uuid";

describe("uuid checks", () => {
  const lower = "9a0b7c1d-0000-4000-8000-0000000000f1";
  const bad = [
    "",
    "9a0b7c1d-0000-4000-8000-0000000000f",
    "9a0b7c1d-0000-4000-8000-0000000000f10",
    "9a0b7c1d00000-4000-8000-0000000000f1",
    "9a0b7c1d-0000-4000-8000-0000000000g1",
    "9a0b7c1d-0000-4000-8000-0000000000G1",
    "{a0b7c1d-0000-4000-8000-0000000000f1",
    "9a0b7c1d-0000-4000-8000-00000000 0f1",
  ];

  it("keeps a lower-case uuid as the same string and lower-cases any other spelling", () => {
    expect(normalizeUuid(lower)).toBe(lower);
    expect(normalizeUuid(lower.toUpperCase())).toBe(lower);
    expect(normalizeUuid("9A0b7C1d-0000-4000-8000-0000000000F1")).toBe(lower);
  });

  it("rejects what isUuid rejects, and accepts what it accepts", () => {
    for (const s of bad) {
      expect(normalizeUuid(s)).toBeNull();
      expect(isUuid(s)).toBe(false);
    }
    for (const s of [lower, lower.toUpperCase(), "ABCDEF01-2345-6789-abcd-ef0123456789"]) {
      expect(isUuid(s)).toBe(true);
      expect(normalizeUuid(s)).toBe(s.toLowerCase());
    }
  });
});
