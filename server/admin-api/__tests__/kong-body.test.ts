import { describe, expect, it } from "vitest";
import { decodeFormEntries, parseKongBody } from "../kong-body";

describe("form keys (kong/api/arguments.lua)", () => {
  it("decodes dotted, indexed, pushed and repeated keys; empty means null", () => {
    expect(
      decodeFormEntries([
        ["name", "statsd"],
        ["config.metrics[2].name", "latency"],
        ["config.metrics[1].name", "request_count"],
        ["config.metrics[1].sample_rate", "1"],
        ["config.allow_status_codes", "200-299"],
        ["config.allow_status_codes", "500-599"],
        ["tags[]", "a"],
        ["tags[]", "b"],
        ["config.tag_style", ""],
        ["service.id", "abc"],
      ]),
    ).toEqual({
      name: "statsd",
      config: {
        metrics: [{ name: "request_count", sample_rate: "1" }, { name: "latency" }],
        allow_status_codes: ["200-299", "500-599"],
        tag_style: null,
      },
      tags: ["a", "b"],
      service: { id: "abc" },
    });
  });
});

describe("body parsing", () => {
  it("reads JSON, form and multipart bodies and rejects broken JSON", async () => {
    const req = (body: BodyInit, type?: string) =>
      new Request("http://x/", { method: "POST", body, headers: type ? { "content-type": type } : {} });
    expect(await parseKongBody(req('{"name":"statsd"}', "application/json"))).toEqual({
      body: { name: "statsd" },
      source: "json",
    });
    expect(
      await parseKongBody(req("name=statsd&config.port=9", "application/x-www-form-urlencoded")),
    ).toEqual({
      body: { name: "statsd", config: { port: "9" } },
      source: "form",
    });
    const fd = new FormData();
    fd.append("name", "prometheus");
    expect(await parseKongBody(req(fd))).toEqual({ body: { name: "prometheus" }, source: "form" });
    await expect(parseKongBody(req("{nope", "application/json"))).rejects.toThrow("Cannot parse JSON body");
  });
});
