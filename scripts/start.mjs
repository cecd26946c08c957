// `npm start`: serves the built app on PORT (default 3000) against DATABASE_URL, or PGlite in ./.data.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync(".next/BUILD_ID")) {
  console.error("No build found: run `npm run build` first (or `npm run demo`, which builds when needed).");
  process.exit(1);
}
const port = process.env.PORT ?? "3000";
const child = spawn("node_modules/.bin/next", ["start", "-p", port, "-H", process.env.HOST ?? "0.0.0.0"], {
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
