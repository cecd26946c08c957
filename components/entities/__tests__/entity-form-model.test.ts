import { describe, expect, it } from "vitest";
import { ENTITY_FORM_DEFAULTS, entityResolver, entityToValues, toEntityBody } from "../entity-form-model";

const opts = { fields: {}, shouldUseNativeValidation: false } as const;

describe("entity form model", () => {
  it("sends Kong's nulls for empty optional fields and keeps required lists", () => {
    expect(toEntityBody({ ...ENTITY_FORM_DEFAULTS.route, protocols: [], name: " " })).toMatchObject({
      name: null,
      protocols: [],
      methods: null,
      paths: null,
      service: null,
    });
  });

  it("validates with the shared Kong schema: messages at field paths", async () => {
    const r = await entityResolver("service")(
      { ...ENTITY_FORM_DEFAULTS.service, port: 70000 },
      undefined,
      opts,
    );
    expect(r.errors).toMatchObject({
      host: { message: "required field missing" },
      port: { message: "value should be between 0 and 65535" },
    });
    const ok = await entityResolver("service")(
      { ...ENTITY_FORM_DEFAULTS.service, host: "orders.internal" },
      undefined,
      opts,
    );
    expect(ok.errors).toEqual({});
    const routeBad = await entityResolver("route")(
      { ...ENTITY_FORM_DEFAULTS.route, paths: ["orders"] },
      undefined,
      opts,
    );
    expect(routeBad.errors).toMatchObject({
      paths: [{ message: "should start with: / (fixed path) or ~/ (regex path)" }],
    });
  });

  it("puts Kong's entity checks at the form's root", async () => {
    const r = await entityResolver("consumer")({ ...ENTITY_FORM_DEFAULTS.consumer }, undefined, opts);
    expect(r.errors).toEqual({
      root: {
        message: "at least one of these fields must be non-empty: 'custom_id', 'username'",
        type: "custom",
      },
    });
  });

  it("reads a stored entity into form values", () => {
    const v = entityToValues("route", {
      id: "r1",
      name: null,
      service: { id: "s1" },
      protocols: ["https"],
      methods: null,
      hosts: ["a"],
      created_at: 1,
    });
    expect(v).toMatchObject({
      name: "",
      service: { id: "s1" },
      protocols: ["https"],
      methods: [],
      hosts: ["a"],
    });
    expect("created_at" in v).toBe(false);
  });
});
