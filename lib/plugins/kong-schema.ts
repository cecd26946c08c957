import { z } from "zod";
import { isUuid } from "../uuid";
import type { KongFieldErrors, KongFieldErrorValue } from "./kong-errors";
import { kongFieldIssues } from "./kong-errors";

/**
 * A small model of Kong's schema DSL (kong/db/schema/init.lua), enough for the plugin and entity schemas we
 * serve. One definition gives three things: the validator (Kong's exact messages, kong-plugins §1c.2), the
 * `GET /schemas/...` JSON, and the type coercion Kong applies to form-encoded bodies.
 */
export type KongConditional = {
  if_field: string;
  if_match: { one_of?: readonly (string | number)[]; eq?: string | number };
  then_field: string;
  then_match: { required?: boolean; eq?: string | number; one_of?: readonly (string | number)[] };
};

export type KongEntityCheck = { conditional: KongConditional } | { at_least_one_of: readonly string[] };

type Common = {
  required?: boolean;
  /** `undefined` = no default. */
  default?: unknown;
  description?: string;
  /** Accepted on input, ignored (Kong's auto fields such as created_at). */
  auto?: boolean;
};

export type KongStringField = Common & {
  type: "string";
  one_of?: readonly string[];
  /** Lua pattern as Kong prints it in the schema JSON, with the equivalent JS RegExp. */
  match?: { lua: string; re: RegExp };
  len_min?: number;
  /** Kong's custom_validator: returns an error message or null. */
  custom?: (value: string) => string | null;
  uuid?: boolean;
};
export type KongNumberField = Common & {
  type: "number" | "integer";
  between?: readonly [number, number];
  gt?: number;
  one_of?: readonly number[];
};
export type KongBooleanField = Common & { type: "boolean" };
export type KongArrayField = Common & { type: "array" | "set"; elements: KongField; len_min?: number };
export type KongRecordField = Common & {
  type: "record";
  fields: readonly (readonly [string, KongField])[];
  entity_checks?: readonly KongEntityCheck[];
  /** Foreign key (`{"id": …}`) as Kong's `type = "foreign"`. */
  reference?: string;
};
export type KongField =
  | KongStringField
  | KongNumberField
  | KongBooleanField
  | KongArrayField
  | KongRecordField;

export const KONG_MESSAGES = {
  required: "required field missing",
  requiredForEntityCheck: "field required for entity check",
  unknown: "unknown field",
  atLeastOneOf: (fields: readonly string[]) =>
    `at least one of these fields must be non-empty: ${fields.map((f) => `'${f}'`).join(", ")}`,
  conditional: (field: string) => `failed conditional validation given value of field '${field}'`,
  oneOf: (values: readonly (string | number)[]) => `expected one of: ${values.join(", ")}`,
  // Kong formats both bounds with %d (kong-plugins §1c.1: initial_retry_delay reads "between 0 and 1000000").
  between: (lo: number, hi: number) => `value should be between ${Math.trunc(lo)} and ${Math.trunc(hi)}`,
  gt: (n: number) => `value must be greater than ${n}`,
  lenMin: (n: number) => `length must be at least ${n}`,
  match: (v: string) => `invalid value: ${v}`,
  uuid: "expected a valid UUID",
  type: {
    string: "expected a string",
    number: "expected a number",
    integer: "expected an integer",
    boolean: "expected a boolean",
    array: "expected an array",
    set: "expected a set",
    record: "expected a record",
  },
} as const;

export type KongValidation = { value: unknown; errors: KongFieldErrorValue | null };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value a missing field takes (Kong fills defaults; records without a default are built from theirs). */
export function defaultFor(field: KongField): unknown {
  if (field.default !== undefined) return structuredClone(field.default);
  if (field.type === "record" && !field.reference) {
    const out: Record<string, unknown> = {};
    for (const [name, sub] of field.fields) if (!sub.auto) out[name] = defaultFor(sub);
    return out;
  }
  return null;
}

/**
 * Validates one value against a field the way Kong inserts an entity: defaults are filled for missing
 * fields, every error is collected (not just the first), and entity checks run only when the fields they
 * read are valid.
 */
export function validateKongField(field: KongField, input: unknown): KongValidation {
  if (input === undefined) {
    // Kong fills a missing record from its fields' defaults (queue, config).
    if (field.type === "record" && !field.reference && field.default === undefined)
      return validateRecord(field, {});
    if (field.required && field.default === undefined) return { value: null, errors: KONG_MESSAGES.required };
    return { value: defaultFor(field), errors: null };
  }
  if (input === null) {
    if (field.required) return { value: null, errors: KONG_MESSAGES.required };
    return { value: null, errors: null };
  }
  switch (field.type) {
    case "string":
      return validateString(field, input);
    case "number":
    case "integer":
      return validateNumber(field, input);
    case "boolean":
      return typeof input === "boolean"
        ? { value: input, errors: null }
        : { value: null, errors: KONG_MESSAGES.type.boolean };
    case "array":
    case "set":
      return validateArray(field, input);
    case "record":
      return validateRecord(field, input);
  }
}

function validateString(field: KongStringField, input: unknown): KongValidation {
  if (typeof input !== "string") return { value: null, errors: KONG_MESSAGES.type.string };
  const lenMin = field.len_min ?? 1; // every Kong string field rejects "" (kong-plugins §1c.1)
  if (input.length < lenMin) return { value: null, errors: KONG_MESSAGES.lenMin(lenMin) };
  if (field.uuid && !isUuid(input)) return { value: null, errors: KONG_MESSAGES.uuid };
  if (field.one_of && !field.one_of.includes(input))
    return { value: null, errors: KONG_MESSAGES.oneOf(field.one_of) };
  if (field.match && !field.match.re.test(input)) return { value: null, errors: KONG_MESSAGES.match(input) };
  if (field.custom) {
    const err = field.custom(input);
    if (err) return { value: null, errors: err };
  }
  return { value: input, errors: null };
}

function validateNumber(field: KongNumberField, input: unknown): KongValidation {
  if (typeof input !== "number" || Number.isNaN(input))
    return { value: null, errors: KONG_MESSAGES.type[field.type === "integer" ? "integer" : "number"] };
  if (field.type === "integer" && !Number.isInteger(input))
    return { value: null, errors: KONG_MESSAGES.type.integer };
  if (field.one_of && !field.one_of.includes(input))
    return { value: null, errors: KONG_MESSAGES.oneOf(field.one_of) };
  if (field.between && (input < field.between[0] || input > field.between[1]))
    return { value: null, errors: KONG_MESSAGES.between(field.between[0], field.between[1]) };
  if (field.gt !== undefined && !(input > field.gt))
    return { value: null, errors: KONG_MESSAGES.gt(field.gt) };
  return { value: input, errors: null };
}

function validateArray(field: KongArrayField, input: unknown): KongValidation {
  if (!Array.isArray(input)) return { value: null, errors: KONG_MESSAGES.type[field.type] };
  if (field.len_min !== undefined && input.length < field.len_min)
    return { value: null, errors: KONG_MESSAGES.lenMin(field.len_min) };
  const out: unknown[] = [];
  const errors: (KongFieldErrorValue | null)[] = [];
  let failed = false;
  input.forEach((element, i) => {
    // An array element is never "missing": a null element is a type error in Kong.
    const r =
      element === null || element === undefined
        ? { value: null, errors: expectedTypeMessage(field.elements) }
        : validateKongField(field.elements, element);
    if (r.errors !== null) {
      failed = true;
      errors[i] = r.errors;
    } else errors[i] = null;
    if (field.type === "set" && out.some((v) => JSON.stringify(v) === JSON.stringify(r.value))) return;
    out.push(r.value);
  });
  if (failed) {
    // Valid trailing elements are dropped: Kong's error table only has the failing indexes.
    while (errors.length && errors[errors.length - 1] === null) errors.pop();
    return { value: null, errors };
  }
  return { value: out, errors: null };
}

function expectedTypeMessage(field: KongField): string {
  return field.type === "integer" ? KONG_MESSAGES.type.integer : KONG_MESSAGES.type[field.type];
}

function matches(
  value: unknown,
  m: { one_of?: readonly (string | number)[]; eq?: string | number },
): boolean {
  if (m.eq !== undefined) return value === m.eq;
  if (m.one_of) return m.one_of.includes(value as string | number);
  return true;
}

function validateRecord(field: KongRecordField, input: unknown): KongValidation {
  if (!isPlainObject(input)) return { value: null, errors: KONG_MESSAGES.type.record };
  const errors: KongFieldErrors = {};
  const out: Record<string, unknown> = {};
  const known = new Set(field.fields.map(([n]) => n));
  for (const key of Object.keys(input)) if (!known.has(key)) errors[key] = KONG_MESSAGES.unknown;
  for (const [name, sub] of field.fields) {
    const r = validateKongField(sub, input[name]);
    if (sub.auto) continue;
    if (r.errors !== null) errors[name] = r.errors;
    else out[name] = r.value;
  }
  for (const check of field.entity_checks ?? []) {
    if ("at_least_one_of" in check) {
      const names = check.at_least_one_of;
      if (names.some((n) => errors[n] !== undefined)) continue;
      if (names.every((n) => out[n] === null || out[n] === undefined))
        pushEntityError(errors, KONG_MESSAGES.atLeastOneOf(names));
      continue;
    }
    const c = check.conditional;
    const ifValue = input[c.if_field];
    // kong/db/schema/init.lua run_entity_check: a missing if_field replaces any error on it; a check whose
    // fields already failed does not run.
    if (ifValue === undefined || ifValue === null) {
      errors[c.if_field] = KONG_MESSAGES.requiredForEntityCheck;
      continue;
    }
    if (errors[c.if_field] !== undefined || errors[c.then_field] !== undefined) continue;
    if (!matches(ifValue, c.if_match)) continue;
    const thenValue = out[c.then_field];
    let thenError: string | null = null;
    if (c.then_match.required && (thenValue === undefined || thenValue === null))
      thenError = KONG_MESSAGES.required;
    else if (thenValue !== undefined && thenValue !== null && !matches(thenValue, c.then_match))
      thenError =
        c.then_match.eq !== undefined
          ? `value must be ${c.then_match.eq}`
          : KONG_MESSAGES.oneOf(c.then_match.one_of ?? []);
    if (thenError) {
      errors[c.then_field] = thenError;
      pushEntityError(errors, KONG_MESSAGES.conditional(c.if_field));
    }
  }
  if (Object.keys(errors).length) return { value: null, errors };
  return { value: out, errors: null };
}

function pushEntityError(errors: KongFieldErrors, message: string): void {
  const entity = (errors["@entity"] as string[] | undefined) ?? [];
  entity.push(message);
  errors["@entity"] = entity;
}

/**
 * A zod schema whose parse is Kong's validation: issues carry Kong's exact messages at Kong's paths
 * (`@entity` as the last segment for entity-check failures), so `toKongFieldErrors` rebuilds the tree.
 */
export function kongZod<Output, Input = unknown>(field: KongField): z.ZodType<Output, Input> {
  return z.unknown().transform((input, ctx) => {
    const r = validateKongField(field, input);
    if (r.errors !== null) {
      for (const issue of kongFieldIssues(r.errors)) {
        ctx.issues.push({ code: "custom", message: issue.message, input, path: issue.path });
      }
      return z.NEVER;
    }
    return r.value as Output;
  }) as unknown as z.ZodType<Output, Input>;
}

/** Kong's schema JSON for a field (`GET /schemas/plugins/{name}`), in declaration order. */
export function kongSchemaJson(field: KongField): Record<string, unknown> {
  const reference = field.type === "record" ? field.reference : undefined;
  const out: Record<string, unknown> = { type: reference ? "foreign" : field.type };
  if (reference) out.reference = reference;
  if (field.required) out.required = true;
  if (field.default !== undefined) out.default = field.default;
  if (field.description) out.description = field.description;
  switch (field.type) {
    case "string":
      if (field.one_of) out.one_of = field.one_of;
      if (field.match) out.match = field.match.lua;
      if (field.uuid) out.uuid = true;
      break;
    case "number":
    case "integer":
      if (field.between) out.between = field.between;
      if (field.gt !== undefined) out.gt = field.gt;
      if (field.one_of) out.one_of = field.one_of;
      break;
    case "array":
    case "set":
      out.elements = kongSchemaJson(field.elements);
      if (field.len_min !== undefined) out.len_min = field.len_min;
      break;
    case "record":
      if (!field.reference) {
        out.fields = field.fields.map(([name, sub]) => ({ [name]: kongSchemaJson(sub) }));
        if (field.entity_checks?.length) out.entity_checks = field.entity_checks;
      }
      break;
  }
  return out;
}

/**
 * Kong's form-argument inference (kong/api/arguments.lua `infer`): form values arrive as strings and are
 * converted by the schema type; what cannot be converted stays a string and fails validation by type.
 */
export function inferKongTypes(field: KongField, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  switch (field.type) {
    case "number":
    case "integer": {
      if (typeof value !== "string") return value;
      const n = Number(value);
      return value.trim() !== "" && Number.isFinite(n) ? n : value;
    }
    case "boolean":
      if (value === "true") return true;
      if (value === "false") return false;
      return value;
    case "string":
      return value;
    case "array":
    case "set": {
      // `config.allow_status_codes=200-299` once gives a scalar: Kong wraps it into an array.
      if (value === "") return [];
      const list = Array.isArray(value) ? value : isPlainObject(value) ? objectToArray(value) : [value];
      return list.map((v) => inferKongTypes(field.elements, v));
    }
    case "record": {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = { ...value };
      for (const [name, sub] of field.fields) if (name in out) out[name] = inferKongTypes(sub, out[name]);
      return out;
    }
  }
}

/** `{"1": a, "2": b}` from indexed form keys becomes `[a, b]` (1-based, holes kept as null). */
function objectToArray(obj: Record<string, unknown>): unknown[] {
  const keys = Object.keys(obj);
  if (!keys.every((k) => /^\d+$/.test(k))) return [obj];
  const out: unknown[] = [];
  for (const k of keys) out[Number(k) - 1] = obj[k];
  return Array.from(out, (v) => (v === undefined ? null : v));
}
