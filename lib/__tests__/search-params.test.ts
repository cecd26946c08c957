import { describe, expect, it } from "vitest";
import { loadDashboardParams, serializeDashboardParams } from "../search-params";

const A = "6f7a8b9c-0000-4000-8000-000000000001";
const B = "6f7a8b9c-0000-4000-8000-000000000002";

describe("dashboard URL state: overlay nodes", () => {
  it("reads a comma-separated list and a repeated key as the same nodes, once each", () => {
    const read = (query: string) => loadDashboardParams(new URLSearchParams(query)).node;
    expect(read(`node=${A},${B}`)).toEqual([A, B]);
    expect(read(`node=${A}&node=${B}`)).toEqual([A, B]);
    expect(read(`node=${A},${B}&node=${A}`)).toEqual([A, B]);
    expect(read("range=1h")).toEqual([]);
    expect(read("node=")).toEqual([]);
  });

  it("writes one comma-separated value, and nothing for no nodes", () => {
    expect(serializeDashboardParams({ range: "24h", node: [A, B] })).toBe(`?range=24h&node=${A},${B}`);
    expect(serializeDashboardParams({ range: "24h", node: [] })).toBe("?range=24h");
  });
});
