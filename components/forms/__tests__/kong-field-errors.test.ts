import { describe, expect, it } from "vitest";
import { flattenKongFields, issuesFromPaths } from "../kong-field-errors";

describe("flattenKongFields", () => {
  it("maps Kong's nested statsd error tree to form paths, keeping array positions", () => {
    const fields = {
      config: {
        metrics: [
          null,
          {
            sample_rate: "required field missing",
            "@entity": ["failed conditional validation given value of field 'stat_type'"],
          },
        ],
        port: "value should be between 0 and 65535",
      },
    };
    expect(flattenKongFields(fields)).toEqual([
      {
        name: "config.metrics.1.root",
        path: "config.metrics[1]",
        message: "failed conditional validation given value of field 'stat_type'",
      },
      {
        name: "config.metrics.1.sample_rate",
        path: "config.metrics[1].sample_rate",
        message: "required field missing",
      },
      { name: "config.port", path: "config.port", message: "value should be between 0 and 65535" },
    ]);
  });

  it("joins message lists and reads numeric object keys as indexes", () => {
    expect(
      flattenKongFields({ tags: { "2": ["bad", "worse"] }, "@entity": ["at least one of these fields"] }),
    ).toEqual([
      { name: "root", path: "", message: "at least one of these fields" },
      { name: "tags.2", path: "tags[2]", message: "bad; worse" },
    ]);
  });

  it("returns nothing for an empty tree", () => {
    expect(flattenKongFields(null)).toEqual([]);
    expect(flattenKongFields({ config: { metrics: [null, null] } })).toEqual([]);
  });
});

describe("issuesFromPaths", () => {
  it("accepts bracket and dot paths", () => {
    expect(issuesFromPaths([{ path: "config.metrics[0].name", message: "x" }])).toEqual([
      { name: "config.metrics.0.name", path: "config.metrics[0].name", message: "x" },
    ]);
  });
});
