#!/usr/bin/env bash
# `npm start`: the built server on the example inventory at 127.0.0.1:8080, unless the environment
# says otherwise (INVENTORY_FILE, or IRONIC_URL to use a real Ironic; BIND_ADDR, BIND_PORT, ...).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${INVENTORY_FILE:-}" ] && [ -z "${IRONIC_URL:-}" ]; then
  export INVENTORY_FILE=apps/metadata-server/example/inventory.json
fi
export BIND_ADDR=${BIND_ADDR:-127.0.0.1} BIND_PORT=${BIND_PORT:-8080}
exec node dist/apps/metadata-server/main.js
