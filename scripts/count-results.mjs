// Prints "<passed> <failed>" from a vitest or Playwright JSON report (the CI reader wants one plain line).
import { readFileSync } from "node:fs";

const [kind, file] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, "utf8"));
if (kind === "vitest") {
  // A file that fails to load has no assertions; count it as one failure so it cannot hide.
  const brokenFiles = report.testResults.filter(
    (f) => f.status === "failed" && f.assertionResults.length === 0,
  ).length;
  console.log(report.numPassedTests, report.numFailedTests + brokenFiles);
} else {
  const s = report.stats;
  const loadErrors = (report.errors ?? []).length;
  console.log(s.expected + (s.flaky ?? 0), s.unexpected + loadErrors);
}
