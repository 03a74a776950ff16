#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Checks the path from this host (or network namespace) to the metadata service at 169.254.169.254:
# runs every check, prints PASS, FAIL or SKIP for each with what it saw, then a summary; exits 1 when
# any check failed. Run it on a node's network, on a router set up with nat-routing, or on a replica.
set -euo pipefail

SCRIPT_NAME=$(basename "$0")
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/checks.sh
. "$SCRIPT_DIR/lib/checks.sh"

usage() {
  cat <<EOF
Usage: $SCRIPT_NAME [--quick] [--admin-url URL] [--ipv6-iface IFACE]

  --quick             only the path: tools, route and the HTTP answers (no firewall or kernel checks)
  --admin-url URL     also ask URL/healthz and URL/readyz, the service's admin listener
                      (e.g. http://127.0.0.1:9100 on the service's host)
  --ipv6-iface IFACE  also ask http://[${METADATA_IPV6}%IFACE]/
  -h, --help          this text

Environment: METADATA_URL (http://${METADATA_IPV4}) to check another address; TIMEOUT (3) seconds a request.
EOF
}

QUICK=false
ADMIN_URL=
IPV6_IFACE=
METADATA_URL=${METADATA_URL:-http://$METADATA_IPV4}
TIMEOUT=${TIMEOUT:-3}

while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=true ;;
    --admin-url)
      [ $# -ge 2 ] || die "--admin-url needs a URL" 64
      ADMIN_URL=${2%/}
      shift
      ;;
    --ipv6-iface)
      [ $# -ge 2 ] || die "--ipv6-iface needs an interface" 64
      IPV6_IFACE=$2
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

# --- checks: each prints what it saw; returns 0 pass, 1 fail, 2 skip -------------------------------

tools_present() {
  local tool package missing=()
  for tool in ip:iproute2 curl:curl sysctl:procps; do
    package=${tool#*:}
    tool=${tool%%:*}
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool (Debian package $package)")
  done
  [ ${#missing[@]} -eq 0 ] || { echo "missing: ${missing[*]}"; return 1; }
  echo "ip, curl, sysctl"
}

host_of_url() {
  local host=${1#*://}
  host=${host%%/*}
  if [[ $host == \[* ]]; then host=${host#[}; host=${host%%]*}; else host=${host%%:*}; fi
  printf '%s\n' "$host"
}

route_present() {
  command -v ip >/dev/null || { echo "ip is missing"; return 1; }
  local host route
  host=$(host_of_url "$METADATA_URL")
  if ! route=$(ip route get "$host" 2>&1); then
    echo "no route to $host: $route; add one via the router that DNATs it, or hold the address here"
    return 1
  fi
  head -n1 <<<"$route" | tr -s ' '
}

# http_get URL: prints "STATUS BODY" (the body's first 4 KiB, newlines as spaces), fails on no answer.
http_get() {
  local output
  output=$(curl -sS -g --noproxy '*' --max-time "$TIMEOUT" -w '\n%{http_code}' "$1" 2>&1) || { echo "no answer from $1: ${output##*$'\n'}"; return 1; }
  printf '%s %s\n' "${output##*$'\n'}" "$(head -c 4096 <<<"${output%$'\n'*}" | tr '\n' ' ')"
}

# answers URL PATTERN WHAT: a 200 whose body matches PATTERN.
answers() {
  local url=$1 pattern=$2 what=$3 reply status
  command -v curl >/dev/null || { echo "curl is missing"; return 1; }
  reply=$(http_get "$url") || { echo "$reply; check the route, the DNAT rule or the address, and that the service runs"; return 1; }
  status=${reply%% *}
  if [ "$status" = 200 ] && [[ ${reply#* } =~ $pattern ]]; then
    echo "$url answered 200 with $what"
  else
    # The whole list was matched (EC2's grows with each dated version); a line shows its start.
    reply=${reply#* }
    echo "$url answered $status, expected 200 with $what: ${reply:0:200}"
    return 1
  fi
}

metadata_answers() { answers "$METADATA_URL/" '(^| )latest( |$)' "the EC2 version list"; }
openstack_answers() { answers "$METADATA_URL/openstack" '(^| )latest( |$)' "the OpenStack version list"; }

ipv6_answers() {
  [ -n "$IPV6_IFACE" ] || { echo "no --ipv6-iface given"; return 2; }
  answers "http://[${METADATA_IPV6}%${IPV6_IFACE}]/" '(^| )latest( |$)' "the EC2 version list"
}

admin_answers() {
  [ -n "$ADMIN_URL" ] || { echo "no --admin-url given"; return 2; }
  local reply
  reply=$(http_get "$ADMIN_URL/$1") || { echo "$reply"; return 1; }
  local body=${reply#* }
  [ "${reply%% *}" = 200 ] || { echo "$ADMIN_URL/$1 answered ${reply%% *}: ${body:0:200}"; return 1; }
  echo "$ADMIN_URL/$1 answered 200"
}

# The DNAT rules nat-routing installs (found by their comment), or none when the address is local.
dnat_rules() {
  iptables -w -t nat -S PREROUTING 2>/dev/null | grep -- "-d $METADATA_IPV4/32" | grep -- '-j DNAT' || true
}

need_iptables() {
  command -v iptables >/dev/null || { echo "iptables is not installed (Debian package iptables)"; return 2; }
  [ "$(id -u)" -eq 0 ] || { echo "reading the firewall needs root"; return 2; }
}

address_or_dnat() {
  if is_local_address "$METADATA_IPV4"; then
    echo "$METADATA_IPV4 is held here (VIP, anycast or the service's own address)"
    return 0
  fi
  need_iptables || return $?
  local rules
  rules=$(dnat_rules)
  if [ -n "$rules" ]; then
    tr -s ' ' <<<"${rules%%$'\n'*}"
    return 0
  fi
  echo "$METADATA_IPV4 is neither held here nor DNATed: run setup-advanced-networking.sh nat-routing SERVICE_IP (on a node, --quick checks just the path)"
  return 1
}

forwarding_enabled() {
  need_iptables || return $?
  local rules target
  rules=$(dnat_rules)
  [ -n "$rules" ] || { echo "no DNAT here"; return 2; }
  target=$(grep -o -- '--to-destination [0-9.]*' <<<"$rules" | head -n1 | awk '{ print $2 }')
  if is_local_address "$target"; then
    echo "the service ($target) is on this host: no forwarding needed"
    return 0
  fi
  [ "$(sysctl -n net.ipv4.ip_forward)" = 1 ] || { echo "net.ipv4.ip_forward is 0: DNATed requests to $target are not forwarded (sysctl -w net.ipv4.ip_forward=1)"; return 1; }
  echo "net.ipv4.ip_forward = 1, DNAT to $target"
}

client_address_kept() {
  need_iptables || return $?
  [ -n "$(dnat_rules)" ] || { echo "no DNAT here"; return 2; }
  # POSTROUTING in order: the keep-source ACCEPT must come before any SNAT or MASQUERADE.
  local line number=0 guard=0 rewrite=0
  while IFS= read -r line; do
    [[ $line == -A* ]] || continue
    number=$((number + 1))
    if [[ $line == *"--ctorigdst $METADATA_IPV4"* && $line == *"-j ACCEPT"* ]]; then
      [ "$guard" -gt 0 ] || guard=$number
    elif [[ $line == *"-j MASQUERADE"* || $line == *"-j SNAT"* ]]; then
      [ "$rewrite" -gt 0 ] || rewrite=$number
    fi
  done < <(iptables -w -t nat -S POSTROUTING)
  if [ "$rewrite" -gt 0 ] && { [ "$guard" -eq 0 ] || [ "$rewrite" -lt "$guard" ]; }; then
    echo "POSTROUTING rule $rewrite rewrites source addresses before any exception for $METADATA_IPV4: the service would see this router, not the node (re-run nat-routing, which inserts the exception first)"
    return 1
  fi
  [ "$guard" -gt 0 ] && echo "no SNAT or MASQUERADE before the keep-source rule (POSTROUTING rule $guard)" || echo "no SNAT or MASQUERADE in POSTROUTING"
}

main() {
  check "tools" tools_present
  check "route to $(host_of_url "$METADATA_URL")" route_present
  check "metadata answers" metadata_answers
  check "OpenStack tree answers" openstack_answers
  check "IPv6 $METADATA_IPV6 answers" ipv6_answers
  if [ "$QUICK" = false ]; then
    check "$METADATA_IPV4 held here or DNATed" address_or_dnat
    check "IPv4 forwarding for DNAT" forwarding_enabled
    check "client address kept (no SNAT)" client_address_kept
    check "admin /healthz" admin_answers healthz
    check "admin /readyz" admin_answers readyz
  fi
  checks_summary
}

main
