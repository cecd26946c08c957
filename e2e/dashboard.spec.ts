import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { chart, gotoAndSettle, linePaths, metric, parseCsv, segments, trpcQuery } from "./helpers/dashboard";
import { SEED, seedTraffic } from "./helpers/seed";

/**
 * Vitals dashboard journeys, seeded through the public ingest endpoint (once per server: the batch ids are
 * fixed). The range is the last hour, so the seeded 2 minutes stay in view however long the run takes.
 */
const R = "range=1h";

test.beforeAll(async ({ playwright }, info) => {
  const api = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  await seedTraffic(api);
  await api.dispose();
});

test("the overview shows the totals that were sent", async ({ page }) => {
  await gotoAndSettle(page, `/?${R}`);
  await expect(metric(page, "requests")).toHaveText(String(SEED.totals.requests));
  // 6 × 500 and 11 × 4xx out of 125 requests
  await expect(metric(page, "errorRate5xx")).toHaveText("4.80 %");
  await expect(metric(page, "errorRate4xx")).toHaveText("8.80 %");
  // every stats sample said 3 hits and 1 miss
  await expect(metric(page, "cacheHitRatio")).toHaveText("75.0 %");
  for (const name of [
    "Requests per second",
    "Proxy latency",
    "Upstream latency",
    "Status code classes",
    "Cache hit ratio",
  ]) {
    await expect(chart(page, `${name}, Cluster`)).toBeVisible();
  }
});

test("an idle node's latency line has a gap, not a zero", async ({ page }) => {
  await gotoAndSettle(page, `/?${R}&node=${SEED.nodes.idle.id}`);
  const latency = chart(page, "Proxy latency, Cluster");
  await expect(latency.locator("path.recharts-line-curve[stroke-dasharray]")).toHaveCount(1);
  const [idleLine] = await linePaths(latency, { dashed: true });
  // two bursts of traffic with idle seconds between them: two separate segments
  expect(segments(idleLine)).toBeGreaterThanOrEqual(2);
  // the idle stretch is shaded as idle and the rest of the range as silent, and the legend says which is which
  const proxyCard = page.locator("figure", { has: latency });
  await expect(proxyCard.getByText("idle (no requests)")).toBeVisible();
  await expect(proxyCard.getByText("node silent (no data)")).toBeVisible();
});

test("the node page shades idle and silent buckets differently", async ({ page }) => {
  await gotoAndSettle(page, `/nodes/${SEED.nodes.idle.id}?${R}`);
  await expect(page.getByRole("heading", { level: 1, name: "gw-idle" })).toBeVisible();
  await expect(metric(page, "requests")).toHaveText(String(SEED.totals.byNode.idle));
  const rps = chart(page, "Requests per second, gw-idle");
  const areas = rps.locator("path.recharts-reference-area-rect");
  await expect(areas.first()).toBeAttached();
  const fills = await areas.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute("fill")))]);
  expect(fills).toEqual(expect.arrayContaining(["var(--idle)", "var(--silent)"]));
  // gw-idle served only 200s: the stacked classes are filled layers with no outline, so the (empty) 5xx layer
  // on top cannot edge the stack in red.
  const layers = chart(page, "Status code classes, gw-idle").locator("g.recharts-area");
  await expect(layers.locator("path.recharts-area-area").first()).toBeAttached();
  const strokes = await layers
    .locator("path")
    .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute("stroke") ?? "none"))]);
  expect(strokes).toEqual(["none"]);
  // gw-beta sent nothing for 40 s between its bursts: a silent band inside its traffic
  await gotoAndSettle(page, `/nodes/${SEED.nodes.beta.id}?${R}`);
  await expect(metric(page, "requests")).toHaveText(String(SEED.totals.byNode.beta));
  const [betaLine] = await linePaths(chart(page, "Upstream latency, gw-beta"));
  expect(segments(betaLine)).toBeGreaterThanOrEqual(2);
});

test("the node selector overlays a node's line and keeps it in the URL", async ({ page }) => {
  await gotoAndSettle(page, `/?${R}`);
  const rps = chart(page, "Requests per second, Cluster");
  await expect(rps.locator("path.recharts-line-curve")).toHaveCount(1);
  await page.getByRole("button", { name: "Overlay node gw-beta" }).click();
  await expect(page).toHaveURL(new RegExp(`node=${SEED.nodes.beta.id}`));
  await expect(rps.locator("path.recharts-line-curve[stroke-dasharray]")).toHaveCount(1);
  await expect(page.locator("figure", { has: rps }).getByText("gw-beta", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Overlay node gw-alpha" }).click();
  await expect(rps.locator("path.recharts-line-curve[stroke-dasharray]")).toHaveCount(2);
  await page.screenshot({ path: "test-results/screenshots/overview-overlays-light.png", fullPage: true });
  await page.getByRole("button", { name: "Overlay node gw-beta" }).click();
  await expect(rps.locator("path.recharts-line-curve[stroke-dasharray]")).toHaveCount(1);
});

test("changing the range updates the URL and the data", async ({ page }) => {
  await gotoAndSettle(page, `/?${R}`);
  await expect(metric(page, "requests")).toHaveText("125");
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  // ← moves one period back: an absolute range with no traffic, and live refresh pauses
  await page.locator("main h1").click();
  await page.keyboard.press("ArrowLeft");
  await expect(page).toHaveURL(/from=\d+&to=\d+|to=\d+.*from=\d+|from=\d+.*to=\d+/);
  await expect(metric(page, "requests")).not.toHaveText("125");
  await expect(page.getByText("Paused", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Custom" })).toHaveAttribute("aria-pressed", "true");
  // → comes back to the period that holds the traffic
  await page.keyboard.press("ArrowRight");
  await expect(metric(page, "requests")).toHaveText("125");
  // a preset makes it relative (and live) again
  await page.getByRole("button", { name: "5m", exact: true }).click();
  await expect(page).toHaveURL(/range=5m/);
  await expect(page).not.toHaveURL(/from=/);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
});

test("a custom absolute range can be typed in", async ({ page }) => {
  await gotoAndSettle(page, `/?${R}&tz=utc`);
  await page.getByRole("button", { name: "Custom" }).click();
  const now = new Date();
  const iso = (d: Date) => d.toISOString().slice(0, 16);
  await page.getByLabel("From", { exact: true }).fill(iso(new Date(now.getTime() - 30 * 60_000)));
  await page.getByLabel("To", { exact: true }).fill(iso(new Date(now.getTime() + 60_000)));
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/from=\d+/);
  await expect(metric(page, "requests")).toHaveText("125");
});

test("a shared URL reopens the same view", async ({ page, browser }) => {
  const url = `/?range=1h&tz=utc&node=${SEED.nodes.beta.id}`;
  await gotoAndSettle(page, url);
  const shared = page.url();
  const other = await browser.newPage();
  await gotoAndSettle(other, shared);
  await expect(other.getByRole("button", { name: "1h", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(other.getByRole("button", { name: "Show times in UTC" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(other.getByRole("button", { name: "Overlay node gw-beta" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(
    chart(other, "Requests per second, Cluster").locator("path.recharts-line-curve[stroke-dasharray]"),
  ).toHaveCount(1);
  await expect(metric(other, "requests")).toHaveText("125");
  await other.close();
});

test("services list and detail show the traffic that was sent", async ({ page }) => {
  await gotoAndSettle(page, `/services?${R}`);
  const table = page.getByRole("table", { name: /Services traffic/ });
  const orders = table.getByRole("row", { name: /orders/ });
  await expect(orders.getByRole("cell").nth(1)).toHaveText("80");
  await expect(
    table
      .getByRole("row", { name: /payments/ })
      .getByRole("cell")
      .nth(1),
  ).toHaveText("40");
  await page.getByRole("searchbox", { name: "Search services" }).fill("pay");
  await expect(table.getByRole("row", { name: /orders/ })).toHaveCount(0);
  await expect(page).toHaveURL(/q=pay/);
  await page.getByRole("link", { name: "payments" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "payments" })).toBeVisible();
  await expect(chart(page, "Status codes over time, payments")).toBeVisible();
  const pairs = page.getByRole("table", { name: "Requests per consumer and route" });
  await expect(
    pairs
      .getByRole("row", { name: /bob.*payments-v1/ })
      .getByRole("cell")
      .nth(2),
  ).toHaveText("40");
});

test("a CSV download holds the API's numbers for what the view shows", async ({ page }) => {
  await gotoAndSettle(page, `/?${R}&node=${SEED.nodes.idle.id}`);
  const download = async (label: string) => {
    const [file] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: label }).first().click(),
    ]);
    return parseCsv(await readFile((await file.path())!, "utf8"));
  };
  const summary = await download("Download summary as CSV");
  const api = await trpcQuery<{ current: { requests: number | null; errorRate5xx: number | null } }>(
    page,
    "dashboard.summary",
    { range: { preset: "1h" } },
  );
  const current = summary.find((r) => r.period === "current");
  expect(Number(current?.requests)).toBe(api.current.requests);
  expect(Number(current?.requests)).toBe(SEED.totals.requests);
  expect(Number(current?.error_rate_5xx)).toBeCloseTo(api.current.errorRate5xx ?? Number.NaN, 6);

  // the health CSV has the cluster and the overlaid node, bucket by bucket, as the charts draw them
  const health = await download("Download Requests per second as CSV");
  const sum = (scope: string) =>
    health
      .filter((r) => r.scope === scope)
      .reduce((n, r) => n + (r.requests === "" ? 0 : Number(r.requests)), 0);
  expect(sum("cluster")).toBe(SEED.totals.requests);
  expect(health.some((r) => r.node_id === SEED.nodes.idle.id)).toBe(true);
  const idleRows = health.filter((r) => r.node_id === SEED.nodes.idle.id);
  expect(idleRows.reduce((n, r) => n + Number(r.requests || 0), 0)).toBe(SEED.totals.byNode.idle);
  // idle buckets have no latency (an empty cell, not 0)
  expect(idleRows.some((r) => r.state === "idle" && r.proxy_avg_ms === "")).toBe(true);
});

test("dark mode toggles and persists", async ({ page }) => {
  await gotoAndSettle(page, `/?${R}`);
  const html = page.locator("html");
  const toggle = page.getByRole("button", { name: "Dark theme" });
  const wasDark = (await html.getAttribute("class"))?.includes("dark") ?? false;
  await toggle.click();
  await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
  // The sidebar's and the mobile header's toggles read the one theme: both show the new state.
  const toggles = page.locator('button[aria-label="Dark theme"]');
  await expect(toggles).toHaveCount(2);
  for (const t of await toggles.all()) await expect(t).toHaveAttribute("aria-pressed", String(!wasDark));
  await page.reload();
  await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
  // The server renders the toggle unpressed; pressed means hydrated, so the click below has a handler.
  await expect(toggle).toHaveAttribute("aria-pressed", String(!wasDark));
  await toggle.click();
  await expect(html).toHaveClass(wasDark ? /dark/ : /^(?!.*dark)/);
});
