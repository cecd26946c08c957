import { type APIRequestContext, expect, type Page, test } from "@playwright/test";

/**
 * Journey: an operator creates a service, adds a statsd plugin from its page (scope locked), gets Kong's
 * server-side error inline, fixes it, toggles the plugin, and checks that the form's curl command is the real
 * Admin API call. Screenshots of every form land in test-results/screenshots/.
 */
/** Where screenshots go; set E2E_SHOTS_DIR to keep them out of a test-results/ that parallel runs clean. */
const SHOTS = process.env.E2E_SHOTS_DIR ?? "test-results/screenshots";
const suffix = Date.now().toString(36);
const serviceName = `orders-e2e-${suffix}`;

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** The panel's command, run by the test itself: `curl -X M URL -H '…' --data '<json>'` → fetch. */
async function runCurl(request: APIRequestContext, curl: string) {
  const m = /^curl -X (\w+) (\S+) -H 'Content-Type: application\/json' --data '([\s\S]*)'$/.exec(curl.trim());
  expect(m, `unexpected curl shape: ${curl}`).not.toBeNull();
  const [, method, url, quoted] = m!;
  const data = quoted.replace(/'\\''/g, "'");
  return request.fetch(url, { method, headers: { "Content-Type": "application/json" }, data });
}

test.describe.configure({ mode: "serial" });

test("statsd on a service: locked scope, inline server error, toggle, curl twin", async ({
  page,
  request,
}) => {
  // 1. A service, created through the UI form.
  await page.goto("/services/new");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(serviceName);
  await page.getByRole("textbox", { name: "Host", exact: true }).fill("orders.internal");
  await page.getByRole("spinbutton", { name: "Port", exact: true }).fill("8080");
  await shot(page, "entity-form-service");
  await page.getByRole("button", { name: "Create service" }).click();
  await expect(
    page.locator("[data-toast]").filter({ hasText: `Service ${serviceName} created` }),
  ).toBeVisible();
  await page.waitForURL(/\/services\/[0-9a-f-]{36}$/);
  const serviceId = page.url().split("/").pop()!;

  // 2. "Add plugin" on the service page opens the picker with the scope carried along.
  await page.getByRole("link", { name: "Add plugin" }).click();
  await page.waitForURL(`**/plugins/new?serviceId=${serviceId}`);
  await expect(page.getByText("Send metrics of the traffic it covers to a StatsD server.")).toBeVisible();
  await expect(page.getByRole("link", { name: `Service: ${serviceName}` })).toBeVisible();
  await shot(page, "plugin-picker");
  await page.getByRole("link", { name: /StatsD/ }).click();
  await page.waitForURL(`**/plugins/new/statsd?serviceId=${serviceId}`);
  await expect(page.getByRole("heading", { name: "New Plugin: statsd" })).toBeVisible();

  // Scope: Scoped, locked, on this service.
  await expect(page.getByRole("radio", { name: /Scoped/ })).toBeChecked();
  await expect(page.getByRole("radio", { name: /Scoped/ })).toBeDisabled();
  await expect(page.getByRole("radio", { name: /Global/ })).toBeDisabled();
  const servicePicker = page.getByRole("combobox", { name: "Service", exact: true });
  await expect(servicePicker).toBeDisabled();
  await expect(servicePicker).toHaveValue(serviceName);

  // 3. A new counter metric without a sample rate: only the server's entity check can object.
  await page.getByRole("button", { name: "Add metric" }).click();
  const metric = page.getByTestId("metric-13");
  await expect(metric.getByRole("combobox", { name: "Stat type" })).toHaveValue("counter");
  await metric.getByRole("spinbutton", { name: "Sample rate" }).fill("");
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes("/api/trpc/plugins.create")),
    page.getByRole("button", { name: "Save" }).click(),
  ]);
  expect(response.status()).toBe(400);
  const payload = JSON.stringify(await response.json());
  expect(payload).toContain("required field missing");
  expect(payload).toContain("failed conditional validation given value of field 'stat_type'");

  const sampleRate = metric.getByRole("spinbutton", { name: "Sample rate" });
  await expect(sampleRate).toHaveAttribute("aria-invalid", "true");
  const describedBy = (await sampleRate.getAttribute("aria-describedby"))!.split(" ");
  await expect(page.locator(`[id="${describedBy[0]}"]`)).toHaveText("required field missing");
  await expect(
    metric.getByText("failed conditional validation given value of field 'stat_type'"),
  ).toBeVisible();
  await expect(page.getByTestId("form-error-banner")).toContainText("config.metrics[13].sample_rate");
  await shot(page, "statsd-form-full");
  await metric.evaluate((el) => el.scrollIntoView({ block: "center" }));
  await page.screenshot({ path: `${SHOTS}/statsd-form-inline-error.png` });
  await page.getByTestId("form-error-banner").screenshot({ path: `${SHOTS}/statsd-error-banner.png` });

  // 4. Fixed, saved: toast, back on the service page, listed there.
  await sampleRate.fill("0.5");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("[data-toast]").filter({ hasText: "statsd created" })).toBeVisible();
  await page.waitForURL(`**/services/${serviceId}`);
  const servicePlugins = page.getByRole("region", { name: "Plugins" });
  await expect(servicePlugins.getByRole("link", { name: "statsd" })).toBeVisible();
  const pluginHref = await servicePlugins.getByRole("link", { name: "statsd" }).getAttribute("href");
  const pluginId = pluginHref!.split("/").pop()!;

  const stored = await (await request.get(`/admin-api/plugins/${pluginId}`)).json();
  expect(stored.service).toEqual({ id: serviceId });
  expect(stored.config.metrics).toHaveLength(14);
  expect(stored.config.metrics[13]).toMatchObject({
    name: "request_count",
    stat_type: "counter",
    sample_rate: 0.5,
  });

  // 5. The plugin list shows it with its scope; disable and re-enable it with the switch.
  await page.goto(`/plugins?name=statsd&scope=service`);
  const row = page.locator(`tr[data-plugin-id="${pluginId}"]`);
  await expect(row.getByText(`Service: ${serviceName}`)).toBeVisible();
  await shot(page, "plugin-list");
  const toggle = row.getByRole("switch");
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect(toggle).toBeEnabled(); // the switch is disabled while its mutation is in flight
  expect((await (await request.get(`/admin-api/plugins/${pluginId}`)).json()).enabled).toBe(false);
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await expect(toggle).toBeEnabled();
  expect((await (await request.get(`/admin-api/plugins/${pluginId}`)).json()).enabled).toBe(true);

  // 6. The create form's curl is the Admin API call: run again, Kong answers 409 for the duplicate.
  await page.goto(`/plugins/new/statsd?serviceId=${serviceId}`);
  await page.getByRole("button", { name: "View as JSON / curl" }).click();
  const createCurl = (await page.getByTestId("curl-command").textContent())!;
  expect(createCurl).toContain(`-X POST `);
  expect(createCurl).toContain(`/admin-api/services/${serviceId}/plugins`);
  const dup = await runCurl(request, createCurl);
  expect(dup.status()).toBe(409);
  expect((await dup.json()).name).toBe("unique constraint violation");

  // The edit form's curl is a PATCH that leaves the plugin as the form shows it.
  await page.goto(`/plugins/${pluginId}`);
  await expect(page.getByRole("heading", { name: "Edit Plugin: statsd" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save" })).toBeDisabled();
  await page.getByRole("button", { name: "View as JSON / curl" }).click();
  const patchCurl = (await page.getByTestId("curl-command").textContent())!;
  expect(patchCurl).toContain(`-X PATCH `);
  const patched = await runCurl(request, patchCurl);
  expect(patched.status()).toBe(200);
  const after = await patched.json();
  expect(after.config).toEqual(stored.config);
  expect(after.service).toEqual({ id: serviceId });

  // 7. Edit (PATCH through the router): Save wakes up on a change; the toast confirms.
  await page.getByRole("textbox", { name: "Prefix", exact: true }).fill("gw");
  await expect(page.getByRole("button", { name: "Save" })).toBeEnabled();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("[data-toast]").filter({ hasText: "statsd updated" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save" })).toBeDisabled();
  const edited = await (await request.get(`/admin-api/plugins/${pluginId}`)).json();
  expect(edited.config.prefix).toBe("gw");
  expect(edited.config.metrics).toEqual(stored.config.metrics);

  // 8. Delete, confirmed in a dialog.
  await page.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this statsd plugin?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(page.locator("[data-toast]").filter({ hasText: "statsd deleted" })).toBeVisible();
  await page.waitForURL(/\/plugins$/);
  expect((await request.get(`/admin-api/plugins/${pluginId}`)).status()).toBe(404);
});

test("prometheus form and the other entity forms render and validate", async ({ page, request }) => {
  await page.goto("/plugins/new/prometheus");
  await expect(page.getByRole("heading", { name: "New Plugin: prometheus" })).toBeVisible();
  await expect(page.getByRole("radio", { name: /Global/ })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Per consumer" })).not.toBeChecked();
  await page.getByRole("checkbox", { name: "Status code metrics" }).check();
  await page.getByRole("button", { name: "Show additional settings" }).click();
  await shot(page, "prometheus-form");
  // The same form in the dark theme.
  await page.getByRole("button", { name: "Dark theme" }).click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.goto("/plugins/new/statsd");
  await page.getByRole("button", { name: "Show additional settings" }).click();
  await shot(page, "statsd-form-dark");
  await page.getByRole("button", { name: "Dark theme" }).click();

  for (const [path, name] of [
    ["/routes/new", "entity-form-route"],
    ["/consumers/new", "entity-form-consumer"],
    ["/apis/new", "entity-form-api"],
  ] as const) {
    await page.goto(path);
    await shot(page, name);
  }

  // A consumer needs a username or a custom id: Kong's entity check, shown in the banner.
  await page.goto("/consumers/new");
  await page.getByRole("button", { name: "Create consumer" }).click();
  await expect(page.getByTestId("form-error-banner")).toContainText(
    "at least one of these fields must be non-empty: 'custom_id', 'username'",
  );
  // A bad port is caught in the browser by the same schema, inline.
  await page.goto("/services/new");
  await page.getByRole("textbox", { name: "Host", exact: true }).fill("orders.internal");
  await page.getByRole("spinbutton", { name: "Port", exact: true }).fill("70000");
  await page.getByRole("button", { name: "Create service" }).click();
  const port = page.getByRole("spinbutton", { name: "Port", exact: true });
  await expect(port).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("value should be between 0 and 65535")).toBeVisible();
  await shot(page, "entity-form-service-error");

  // Edit (PATCH) and delete an entity from its pages.
  const created = await request.post("/admin-api/consumers", { data: { username: `carol-${suffix}` } });
  expect(created.status()).toBe(201);
  const consumer = await created.json();
  await page.goto(`/consumers/${consumer.id}/edit`);
  await expect(page.getByRole("heading", { name: `Edit consumer: carol-${suffix}` })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save" })).toBeDisabled();
  await page.getByRole("textbox", { name: "Custom ID", exact: true }).fill(`crm-${suffix}`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(
    page.locator("[data-toast]").filter({ hasText: `Consumer carol-${suffix} updated` }),
  ).toBeVisible();
  await page.waitForURL(`**/consumers/${consumer.id}`);
  expect((await (await request.get(`/admin-api/consumers/${consumer.id}`)).json()).custom_id).toBe(
    `crm-${suffix}`,
  );
  await page.getByRole("button", { name: "Delete" }).click();
  await page
    .getByRole("dialog", { name: "Delete this consumer?" })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(page.locator("[data-toast]").filter({ hasText: "Consumer deleted" })).toBeVisible();
  await page.waitForURL(/\/consumers$/);
  expect((await request.get(`/admin-api/consumers/${consumer.id}`)).status()).toBe(404);
});
