import { expect, test } from "@playwright/test";
import { gotoAndSettle } from "./helpers/dashboard";
import { SEED, seedTraffic } from "./helpers/seed";

/**
 * A full-page screenshot of every dashboard page (light, plus the overview in dark) into
 * test-results/screenshots/ for review; each page must render its heading and no error panel.
 */
const R = "range=1h";

test.beforeAll(async ({ playwright }, info) => {
  const api = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  await seedTraffic(api);
  await api.dispose();
});

const PAGES: [string, string][] = [
  ["overview", `/?${R}&node=${SEED.nodes.idle.id}`],
  ["nodes", `/nodes?${R}`],
  ["node-detail", `/nodes/${SEED.nodes.idle.id}?${R}`],
  ["services", `/services?${R}`],
  ["service-detail", `/services/${SEED.services.orders.id}?${R}`],
  ["routes", `/routes?${R}`],
  ["route-detail", `/routes/${SEED.routes.payments.id}?${R}`],
  ["consumers", `/consumers?${R}`],
  ["consumer-detail", `/consumers/${SEED.consumers.alice.id}?${R}`],
  ["apis", `/apis?${R}`],
  ["api-detail", `/apis/${SEED.api.id}?${R}`],
  ["settings", "/settings"],
];

for (const theme of ["light", "dark"] as const) {
  for (const [name, url] of theme === "dark" ? PAGES.slice(0, 3) : PAGES) {
    test(`${name} (${theme})`, async ({ page }) => {
      // A hydration mismatch (React #418) makes React render the whole document again on the client.
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(err.message));
      await page.addInitScript((t) => localStorage.setItem("gw-theme", t), theme);
      await gotoAndSettle(page, url);
      await expect(page.getByText("Could not load data")).toHaveCount(0);
      expect(errors).toEqual([]);
      await expect(page.locator("html")).toHaveClass(theme === "dark" ? /dark/ : /^(?!.*dark)/);
      // The kind the built server reports (a check across Next's chunks: db/client.ts dbKind).
      if (name === "settings")
        await expect(
          page.getByText(process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "PGlite (embedded)"),
        ).toBeVisible();
      await page.screenshot({ path: `test-results/screenshots/${name}-${theme}.png`, fullPage: true });
    });
  }
}
