import { expect, type Locator, type Page } from "@playwright/test";

/** A chart by its accessible name (the wrapper's role="img" + aria-label). */
export function chart(page: Page, name: string | RegExp): Locator {
  return page.getByRole("img", { name });
}

/** `d` attributes of a chart's line paths; overlay (per-node) lines are the dashed ones. */
export async function linePaths(c: Locator, opts: { dashed?: boolean } = {}): Promise<string[]> {
  const lines = c.locator(
    opts.dashed ? "path.recharts-line-curve[stroke-dasharray]" : "path.recharts-line-curve",
  );
  await expect(lines.first()).toBeAttached();
  return lines.evaluateAll((els) => els.map((e) => e.getAttribute("d") ?? ""));
}

/** How many separate segments a path draws: one `M` per run of non-null values. */
export function segments(d: string): number {
  return (d.match(/M/g) ?? []).length;
}

export function metric(page: Page, key: string): Locator {
  return page.locator(`[data-metric="${key}"]`);
}

export async function gotoAndSettle(page: Page, url: string) {
  await page.goto(url);
  await expect(page.locator("main h1")).toBeVisible();
  await expect(page.locator("[aria-busy=true]")).toHaveCount(0, { timeout: 30_000 });
}

/** Calls a dashboard tRPC query the way the UI does (GET, superjson input). */
export async function trpcQuery<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.get(`/api/trpc/${path}`, {
    params: { input: JSON.stringify({ json: input }) },
  });
  expect(res.ok(), await res.text()).toBe(true);
  const body = (await res.json()) as { result: { data: { json: T } } };
  return body.result.data.json;
}

/** Parses a small CSV (RFC 4180 quoting) into header-keyed rows. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((r) => r.length > 1 || r[0] !== "");
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}
