#!/usr/bin/env bash
# `npm test`: every suite — vitest (PGlite, plus real PostgreSQL when reachable) and the Playwright journeys
# in Debian's Chromium — then one plain summary line `N passed, N failed` summed over all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Real PostgreSQL for the "postgres" half of every database suite.
if [ -z "${TEST_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
fi
[ -n "${TEST_DATABASE_URL:-}" ] && echo "PostgreSQL suites: ${TEST_DATABASE_URL}" || echo "PostgreSQL not reachable: PGlite only"

# Peers that tests talk to: Chromium (e2e) and promtool/prometheus (exposition checks), from Debian.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v promtool >/dev/null || missing+=(prometheus)
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

passed=0
failed=0

echo "== vitest =="
npx vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json"
vitest_rc=$?
if [ -f "$out/vitest.json" ]; then
  read -r p f < <(node scripts/count-results.mjs vitest "$out/vitest.json")
  passed=$((passed + p)); failed=$((failed + f))
elif [ $vitest_rc -ne 0 ]; then
  failed=$((failed + 1))
fi

echo "== build =="
if npx next build >"$out/build.log" 2>&1; then
  echo "== playwright =="
  PLAYWRIGHT_JSON_OUTPUT_NAME="$out/e2e.json" npx playwright test
  if [ -f "$out/e2e.json" ]; then
    read -r p f < <(node scripts/count-results.mjs playwright "$out/e2e.json")
    passed=$((passed + p)); failed=$((failed + f))
  else
    failed=$((failed + 1))
  fi
else
  cat "$out/build.log"
  echo "next build failed"
  failed=$((failed + 1))
fi

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
