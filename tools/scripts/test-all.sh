#!/usr/bin/env bash
# Every check, as CI runs it: Debian packages for the integration tests, then the code's layout (Prettier), lint, type check and
# unit tests of every project, the published packages' checks (entry points, arethetypeswrong, publint),
# a release dry run and the API reference, then the build and the integration suite against real Ironic and
# real clients. Ends with one line counting the tests.
set -euo pipefail
cd "$(dirname "$0")/../.."

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
log=$(mktemp)
trap 'rm -f "$log"' EXIT

bash tools/scripts/install-test-packages.sh
status=0
{
  npx prettier --check '**/*.{ts,mts,cts,js,mjs,cjs}' --log-level warn &&
    npx nx run-many -t lint typecheck test package-check --output-style=static --parallel=2 &&
    bash tools/scripts/check-release.sh &&
    npx nx run integration-tests:e2e --output-style=static
} 2>&1 | tee "$log" || status=$?

# jest prints "Tests: 3 failed, 1 skipped, 40 passed, 44 total" per project.
awk '/^Tests:/ {
  for (i = 2; i <= NF; i++) { n = $i + 0; word = $(i + 1); gsub(/,/, "", word)
    if (word == "passed") passed += n; else if (word == "failed") failed += n; else if (word == "skipped") skipped += n }
} END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' <(sed 's/\x1b\[[0-9;]*m//g' "$log")
exit "$status"
