// `npm run demo`: builds if needed, starts Gatewatch on the embedded database (PGlite in ./.data unless
// DATABASE_URL is set) and feeds it with the simulator (5 nodes: one idle, one that goes silent).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const port = process.env.PORT ?? "3000";
const base = `http://localhost:${port}`;

/** Newest modification time (ms) under the given paths: the sources a build is made from. */
function newestSource(paths) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== "__tests__") visit(join(path, entry));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

// Build on the first run, and again whenever a source is newer than the build (a `git pull` since).
const SOURCES = [
  "app",
  "components",
  "lib",
  "server",
  "db",
  "instrumentation.ts",
  "next.config.ts",
  "package-lock.json",
];
const built = existsSync(".next/BUILD_ID") ? statSync(".next/BUILD_ID").mtimeMs : 0;
if (built === 0 || newestSource(SOURCES) > built) {
  console.log(
    built === 0
      ? "Building Gatewatch (first run only, about a minute)…"
      : "Sources changed since the last build: rebuilding…",
  );
  const build = spawnSync("node_modules/.bin/next", ["build"], { stdio: "inherit", env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn("node_modules/.bin/next", ["start", "-p", port], { stdio: "inherit", env });
let simulator;

async function waitForHealth() {
  for (let i = 0; i < 240; i++) {
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("Gatewatch did not become healthy");
}

function stop(code = 0) {
  simulator?.kill("SIGTERM");
  server.kill("SIGTERM");
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
server.on("exit", (code) => {
  simulator?.kill("SIGTERM");
  process.exit(code ?? 0);
});

await waitForHealth();
console.log(`\nGatewatch is up at ${base} — simulated traffic is flowing (Ctrl-C stops both).\n`);
simulator = spawn(
  "node_modules/.bin/tsx",
  [
    "scripts/simulate.ts",
    "--url",
    base,
    "--nodes",
    "5",
    "--rps",
    process.env.DEMO_RPS ?? "200",
    "--duration",
    "0",
    "--backfill",
    process.env.DEMO_BACKFILL_MINUTES ?? "10",
    "--silent-after",
    "45",
    "--quiet",
  ],
  { stdio: "inherit", env },
);
