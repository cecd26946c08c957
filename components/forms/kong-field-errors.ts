/**
 * Kong answers a schema violation with a nested `fields` tree that mirrors the input
 * (kong-plugins §1e.3): `{config: {metrics: [null, {sample_rate: "required field missing", "@entity": [...]}]}}`.
 * Valid array elements are null, so JSON array positions line up with the form's array indexes. A record's
 * `@entity` messages (failed cross-field checks) belong to the record itself; forms show them under `<path>.root`.
 */
export type KongFieldTree = { [key: string]: KongFieldValue };
export type KongFieldValue = string | string[] | KongFieldTree | (KongFieldValue | null)[] | null | undefined;

export type FieldIssue = {
  /** react-hook-form path: `config.metrics.1.sample_rate`; record-level checks end in `.root`. */
  name: string;
  /** The path as a reader writes it: `config.metrics[1].sample_rate`. */
  path: string;
  message: string;
};

const ENTITY_KEY = "@entity";

export function flattenKongFields(tree: KongFieldValue, prefix: (string | number)[] = []): FieldIssue[] {
  if (tree === null || tree === undefined) return [];
  if (typeof tree === "string") return [issueAt(prefix, tree)];
  if (Array.isArray(tree)) {
    if (tree.every((t) => typeof t === "string")) return [issueAt(prefix, (tree as string[]).join("; "))];
    return tree.flatMap((item, i) => flattenKongFields(item, [...prefix, i]));
  }
  const out: FieldIssue[] = [];
  for (const key of Object.keys(tree).sort()) {
    const value = tree[key];
    if (key === ENTITY_KEY) {
      const message = Array.isArray(value) ? value.filter((v) => typeof v === "string").join("; ") : value;
      if (typeof message === "string" && message) out.push(issueAt([...prefix, "root"], message));
      continue;
    }
    out.push(...flattenKongFields(value, [...prefix, /^\d+$/.test(key) ? Number(key) : key]));
  }
  return out;
}

/** Issues from the tRPC error formatter's flat list, whose paths may use dots or brackets. */
export function issuesFromPaths(issues: { path: string; message: string }[]): FieldIssue[] {
  return issues.map((i) => {
    const segments = i.path
      .replace(/\[(\d+)\]/g, ".$1")
      .split(".")
      .filter(Boolean)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    return issueAt(segments, i.message);
  });
}

function issueAt(segments: (string | number)[], message: string): FieldIssue {
  const name = segments.join(".");
  let path = "";
  for (const s of segments) {
    if (s === "root") continue;
    path += typeof s === "number" ? `[${s}]` : path ? `.${s}` : s;
  }
  return { name, path, message };
}

/**
 * Resolver errors built from the shared Kong schemas carry a record's entity-check failures under `@entity`;
 * react-hook-form keeps record-level errors under `root`, where the forms show them.
 */
export function entityChecksToRoot<T>(errors: T): T {
  if (!isErrorNode(errors)) return errors;
  const node = errors as Record<string, unknown>;
  for (const key of Object.keys(node)) {
    // An error leaf's `ref` is the DOM element: never walk into it.
    if (key === "ref") continue;
    if (key === "@entity") {
      node.root = node[key];
      delete node[key];
    } else entityChecksToRoot(node[key]);
  }
  return errors;
}

function isErrorNode(v: unknown): boolean {
  if (!v || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return Array.isArray(v) || proto === Object.prototype || proto === null;
}
