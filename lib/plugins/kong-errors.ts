/**
 * Kong's error tree (`fields`) and message construction (kong/db/errors.lua, kong-plugins §1e.3), isomorphic:
 * the Admin API answers with it and the plugin form maps the same tree onto inline field errors.
 *
 * Tree shape: records are objects, arrays are JSON arrays whose valid elements are `null` (Kong's 1-based
 * Lua index i is JSON position i-1), entity-check failures are a string array under `"@entity"`.
 */
export type KongFieldErrors = { [key: string]: KongFieldErrorValue };
export type KongFieldErrorValue = string | string[] | KongFieldErrors | (KongFieldErrorValue | null)[];

export type KongIssue = { path: (string | number)[]; message: string };

/** Anything shaped like a zod error (or its issues), without importing zod's classes. */
type IssueSource = { issues: readonly { path: readonly PropertyKey[]; message: string }[] };

/** Leaf issues of a Kong tree; `@entity` messages keep `"@entity"` as the last path segment. */
export function kongFieldIssues(tree: KongFieldErrorValue, prefix: (string | number)[] = []): KongIssue[] {
  if (typeof tree === "string") return [{ path: prefix, message: tree }];
  const out: KongIssue[] = [];
  if (Array.isArray(tree)) {
    const entityList = prefix[prefix.length - 1] === "@entity";
    tree.forEach((v, i) => {
      if (v === null) return;
      if (entityList && typeof v === "string") out.push({ path: prefix, message: v });
      else out.push(...kongFieldIssues(v, [...prefix, i]));
    });
    return out;
  }
  for (const key of Object.keys(tree)) out.push(...kongFieldIssues(tree[key], [...prefix, key]));
  return out;
}

/** Rebuilds Kong's `fields` tree from zod issues (numeric segments become JSON arrays with `null` holes). */
export function toKongFieldErrors(source: IssueSource | readonly KongIssue[]): KongFieldErrors {
  const issues = Array.isArray(source) ? (source as readonly KongIssue[]) : (source as IssueSource).issues;
  const root: KongFieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (path.length === 0) {
      pushEntity(root, issue.message);
      continue;
    }
    let node: KongFieldErrors | (KongFieldErrorValue | null)[] = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (seg === "@entity" && last) {
        pushEntity(node as KongFieldErrors, issue.message);
        break;
      }
      const container = node as Record<string | number, KongFieldErrorValue | null>;
      if (last) {
        container[seg] = issue.message;
        break;
      }
      const nextIsIndex = typeof path[i + 1] === "number";
      let child = container[seg];
      if (child === undefined || child === null || typeof child === "string") {
        child = nextIsIndex ? [] : {};
        container[seg] = child;
      }
      node = child as KongFieldErrors | (KongFieldErrorValue | null)[];
    }
  }
  return fillHoles(root) as KongFieldErrors;
}

function pushEntity(node: KongFieldErrors, message: string): void {
  const list = (node["@entity"] as string[] | undefined) ?? [];
  list.push(message);
  node["@entity"] = list;
}

function fillHoles(v: KongFieldErrorValue | null): KongFieldErrorValue | null {
  if (v === null || typeof v === "string") return v;
  if (Array.isArray(v)) return Array.from(v, (e) => (e === undefined ? null : fillHoles(e)));
  for (const k of Object.keys(v)) v[k] = fillHoles(v[k]) as KongFieldErrorValue;
  return v;
}

/** A Lua table as Kong sees the error tree: JSON arrays become 1-based integer keys, nulls vanish. */
type LuaValue = string | number | boolean | LuaTable;
type LuaTable = { kind: "table"; entries: [string | number, LuaValue][] };

function toLua(v: unknown): LuaValue | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  const entries: [string | number, LuaValue][] = [];
  if (Array.isArray(v)) {
    v.forEach((e, i) => {
      const lv = toLua(e);
      if (lv !== null) entries.push([i + 1, lv]);
    });
  } else {
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
      const lv = toLua(e);
      if (lv !== null) entries.push([k, lv]);
    }
  }
  return { kind: "table", entries };
}

/** Lua's table.sort on keys: numbers before strings here (Kong never mixes them), strings byte-wise. */
function sortedEntries(t: LuaTable): [string | number, LuaValue][] {
  return [...t.entries].sort(([a], [b]) => {
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "number") return -1;
    if (typeof b === "number") return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

const LUA_KEYWORDS = new Set(
  "and break do else elseif end false for function goto if in local nil not or repeat return then true until while".split(
    " ",
  ),
);

function luaQuote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/**
 * Penlight's `pretty.write` (the Lua table printer Kong uses in messages). Penlight walks the array part
 * first, then the hash part in `pairs` order, which is unspecified; we print hash keys sorted, which is what
 * Kong's spec examples show.
 */
export function luaPretty(value: unknown, space = "  "): string {
  const lua = toLua(value);
  if (lua === null) return "nil";
  const set = space === "" ? "=" : " = ";
  const lines: string[] = [];
  let line = "";
  const put = (s: string) => {
    line += s;
  };
  const putln = (s: string) => {
    if (line.length > 0) {
      lines.push(line + s);
      line = "";
    } else lines.push(s);
  };
  const eatLastComma = () => {
    const n = lines.length - 1;
    if (lines[n].endsWith(",")) lines[n] = lines[n].slice(0, -1);
  };
  const write = (v: LuaValue, oldIndent: string, indent: string) => {
    if (typeof v === "string") return putln(`${luaQuote(v)},`);
    if (typeof v !== "object") return putln(`${String(v)},`);
    const newIndent = indent + space;
    putln("{");
    const used = new Set<number>();
    const byKey = new Map(v.entries);
    for (let i = 1; byKey.has(i); i++) {
      put(indent);
      write(byKey.get(i)!, indent, newIndent);
      used.add(i);
    }
    for (const [key, val] of sortedEntries(v)) {
      if (typeof key === "number" && used.has(key)) continue;
      let k: string;
      if (typeof key === "number") k = `[${key}]`;
      else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !LUA_KEYWORDS.has(key)) k = key;
      else k = `[${luaQuote(key)}]`;
      put(indent + k + set);
      write(val, indent, newIndent);
    }
    eatLastComma();
    putln(`${oldIndent}},`);
  };
  write(lua, "", space);
  eatLastComma();
  return lines.join(space.length > 0 ? "\n" : "");
}

/**
 * Kong's schema-violation message (kong/db/errors.lua `schema_violation`): top-level `@entity` messages,
 * then `field: msg` per sorted key, one `field.sub: msg` per sorted sub-key, deeper tables pretty-printed.
 */
export function kongSchemaViolationMessage(fields: KongFieldErrors): string {
  const buf: string[] = [];
  const top = toLua(fields) as LuaTable;
  const topMap = new Map(top.entries);
  const entity = topMap.get("@entity");
  if (entity && typeof entity === "object") for (const [, m] of entity.entries) buf.push(String(m));
  for (const [name, value] of sortedEntries(top)) {
    if (name === "@entity") continue;
    if (typeof value === "object") {
      for (const [sub, subValue] of sortedEntries(value)) {
        const text = typeof subValue === "object" ? luaPretty(fromLua(subValue)) : String(subValue);
        buf.push(`${name}.${sub}: ${text}`);
      }
    } else buf.push(`${name}: ${String(value)}`);
  }
  return buf.length === 1
    ? `schema violation (${buf[0]})`
    : `${buf.length} schema violations (${buf.join("; ")})`;
}

/** Back to a JS value that `toLua` maps to the same table (integer keys stay keys, not positions). */
function fromLua(t: LuaTable): unknown {
  const allInts = t.entries.every(([k]) => typeof k === "number");
  if (allInts) {
    const arr: unknown[] = [];
    for (const [k, v] of t.entries) arr[(k as number) - 1] = typeof v === "object" ? fromLua(v) : v;
    return Array.from(arr, (v) => (v === undefined ? null : v));
  }
  const obj: Record<string, unknown> = {};
  for (const [k, v] of t.entries) obj[String(k)] = typeof v === "object" ? fromLua(v) : v;
  return obj;
}

/**
 * Kong's unique-violation message (kong/db/errors.lua `unique_violation`): the key pretty-printed on one line,
 * nulls as `null`, e.g. `UNIQUE violation detected on '{consumer=null,name="statsd",route=null,service={id="…"}}'`.
 */
export function kongUniqueViolationMessage(key: Record<string, unknown>): string {
  const parts = Object.keys(key)
    .sort()
    .map((k) => `${k}=${oneLine(key[k])}`);
  return `UNIQUE violation detected on '{${parts.join(",")}}'`;
}

function oneLine(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return luaQuote(v);
  if (typeof v !== "object") return String(v);
  if (Array.isArray(v)) return `{${v.map(oneLine).join(",")}}`;
  const obj = v as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${k}=${oneLine(obj[k])}`)
    .join(",")}}`;
}

/** Flat `path: message` issues for ValidationError.issues (`config.metrics[1].sample_rate`, 0-based). */
export function flatKongIssues(fields: KongFieldErrors): { path: string; message: string }[] {
  return kongFieldIssues(fields).map(({ path, message }) => ({
    path: path.reduce<string>(
      (acc, seg) => (typeof seg === "number" ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg),
      "",
    ),
    message,
  }));
}
