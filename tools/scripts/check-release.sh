#!/usr/bin/env bash
# The release of the published libraries, without publishing: nx release computes the next versions
# and changelogs (no network, no git remote); every export is documented and tagged @public or
# @internal; and the API reference in docs/api is regenerated from the TSDoc without a warning (an
# undocumented export is one) and must equal the committed one.
set -euo pipefail
cd "$(dirname "$0")/../.."

npx nx release patch --dry-run --skip-publish --verbose=false < /dev/null

node tools/scripts/check-release-tags.mjs

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx typedoc --options typedoc.json --out "$out" --logLevel Warn
if ! diff -r -q "$out" docs/api > /dev/null; then
  diff -r -q "$out" docs/api || true
  echo "docs/api is not what the TSDoc generates: run npm run docs:api and commit docs/api" >&2
  exit 1
fi
echo "docs/api: up to date with the TSDoc"
