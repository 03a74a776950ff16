#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Points the compose file's macvlan network at this host's primary interface (the one with the
# default route), so the container answers as 169.254.169.254 on that network. Works for any
# interface name: VLANs (en0.10), bonds, bridges, and names that `ip -o link` shows as name@peer.
set -euo pipefail

SCRIPT_NAME=$(basename "$0")
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"

usage() {
  cat <<EOF
Usage: $SCRIPT_NAME [--dry-run] [--compose FILE] [--interface IFACE]

Writes the interface into the \`parent:\` of the macvlan network in FILE
(default: $(realpath -m "$SCRIPT_DIR/../docker-compose.yml")).

  --dry-run          print the change, write nothing
  --compose FILE     the compose file to edit
  --interface IFACE  use IFACE instead of the default route's interface
  -h, --help         this text
EOF
}

COMPOSE_FILE=$SCRIPT_DIR/../docker-compose.yml
IFACE=

parse_options() {
  while [ $# -gt 0 ]; do
    case $1 in
      --dry-run) DRY_RUN=true ;;
      --compose)
        [ $# -ge 2 ] || die "--compose needs a file" 64
        COMPOSE_FILE=$2
        shift
        ;;
      --interface)
        [ $# -ge 2 ] || die "--interface needs an interface name" 64
        IFACE=$2
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown argument $1 (see --help)" 64 ;;
    esac
    shift
  done
}

# The compose file with its one `parent:` line set to IFACE (quoted: YAML keeps names like 0.10 strings).
with_parent() {
  local file=$1 iface=$2 count
  count=$(grep -cE '^[[:space:]]*parent:' "$file") || true
  [ "$count" -eq 1 ] || die "$file has $count \`parent:\` lines, expected the one of the macvlan network's driver_opts"
  awk -v iface="$iface" '
    /^[[:space:]]*parent:/ { match($0, /^[[:space:]]*parent:/); print substr($0, 1, RLENGTH) " \"" iface "\""; next }
    { print }
  ' "$file"
}

main() {
  parse_options "$@"
  require_tool ip iproute2
  [ -f "$COMPOSE_FILE" ] || die "no compose file at $COMPOSE_FILE (pass --compose FILE)"
  if [ -z "$IFACE" ]; then
    IFACE=$(primary_interface) || die "no default route here, so no primary interface: pass --interface IFACE"
  fi
  ip link show dev "$IFACE" >/dev/null 2>&1 || die "no interface \"$IFACE\" on this host (ip -br link lists them)"
  [[ $IFACE =~ ^[^[:space:]\"/]+$ ]] || die "interface name \"$IFACE\" cannot be written into YAML safely"

  local updated
  updated=$(with_parent "$COMPOSE_FILE" "$IFACE")
  if [ "$DRY_RUN" = false ] && [ ! -w "$COMPOSE_FILE" ]; then
    die "cannot write $COMPOSE_FILE: run as its owner or root, or pass --compose FILE"
  fi
  if write_file "$COMPOSE_FILE" "$updated" "$(stat -c %a "$COMPOSE_FILE")"; then
    [ "$DRY_RUN" = true ] || log "macvlan parent is now $IFACE; start with: docker compose -f $COMPOSE_FILE up -d"
  else
    log "macvlan parent is already $IFACE"
  fi
}

main "$@"
