#!/usr/bin/env bash
# The release of the published libraries, without publishing: nx release computes the next versions
# and changelogs (no network, no git remote); every export is documented and tagged @public or
# @internal; and the API reference in docs/api is regenerated from the TSDoc without a warning (an
# undocumented export is one) and must equal the committed one.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Pending version plans (.nx/version-plans/*.md, written with `nx release plan`; nx refuses one without
# a message) give the bumps and the changelog entries, since the commit messages are prose, not
# conventional commits. With none pending, a patch release of every package shows the mechanics.
if compgen -G '.nx/version-plans/*.md' > /dev/null; then
  npx nx release --dry-run --skip-publish --verbose=false < /dev/null
else
  npx nx release patch --dry-run --skip-publish --verbose=false < /dev/null
fi

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
