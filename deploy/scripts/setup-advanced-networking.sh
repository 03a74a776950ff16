#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Makes 169.254.169.254 (and fe80::a9fe:a9fe) reach the metadata service beyond one L2 segment:
# DNAT on a router, BGP anycast with BIRD, a VRRP address with keepalived, or HAProxy in front of
# several replicas. See docs/ADVANCED_NETWORKING.md for which to choose.
#
# Acts on the current network namespace: run it as `ip netns exec NS setup-advanced-networking.sh ...`
# to act inside NS. Idempotent: a second run changes nothing that is already in place.
set -euo pipefail

SCRIPT_NAME=$(basename "$0")
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/checks.sh
. "$SCRIPT_DIR/lib/checks.sh"

usage() {
  cat <<EOF
Usage: $SCRIPT_NAME [OPTIONS] COMMAND [ARGS...]

Commands:
  nat-routing [HOST_IP]                     DNAT ${METADATA_IPV4}:80 to HOST_IP:\$METADATA_PORT (default:
                                            this host's primary address). The source address is kept:
                                            the service identifies nodes by it, so there is no SNAT.
  bgp-bird ROUTER_ID LOCAL_AS PEER_IP PEER_AS
                                            put ${METADATA_IPV4}/32 on lo and announce it to PEER_IP
                                            with BIRD (anycast: every replica announces it)
  keepalived IFACE PRIORITY [AUTH_PASS]     hold ${METADATA_IPV4}/32 (and ${METADATA_IPV6}) on IFACE
                                            with VRRP; the highest PRIORITY (1-254) with a healthy
                                            service holds it
  haproxy "IP:PORT,IP:PORT,..."             balance ${METADATA_IPV4}:80 over the replicas, passing
                                            the client's address in X-Forwarded-For (the replicas
                                            must list this host in TRUSTED_PROXIES)
  dhcp-route HOST_IP [ROUTER_IP]            write a dnsmasq snippet that pushes the classless static
                                            route (DHCP option 121) ${METADATA_IPV4}/32 via HOST_IP,
                                            and print the ISC dhcpd equivalent. A client that gets
                                            option 121 ignores option 3 (RFC 3442): give ROUTER_IP to
                                            keep the default route too
  test                                      check what this script set up here, then the path to
                                            the metadata service (validate-networking.sh --quick)

Options:
  --dry-run          print the commands and file changes, change nothing (no root needed)
  --config-dir DIR   write every generated file into DIR instead of /etc/{keepalived,haproxy,bird,sysctl.d}
  --run-dir DIR      run the daemon directly, pid file and log in DIR, instead of via systemd
                     (one per network namespace; what the tests do)
  -h, --help         this text

Environment:
  METADATA_PORT (80)        the service's port behind DNAT, anycast, VRRP and HAProxy
  ADMIN_PORT (9100)         the service's admin listener, whose /healthz the health checks ask
  VRRP_ID (51)              keepalived's virtual_router_id, the same on every replica of a segment
  IPV6_IFACE                haproxy: also listen on [${METADATA_IPV6}] on this interface
  KEEPALIVED_CONF, HAPROXY_CONF, BIRD_CONF, SYSCTL_CONF_DIR, DNSMASQ_CONF   override single output paths
EOF
}

METADATA_PORT=${METADATA_PORT:-80}
ADMIN_PORT=${ADMIN_PORT:-9100}
VRRP_ID=${VRRP_ID:-51}
RUN_DIR=${RUN_DIR:-}

parse_options() {
  ARGS=()
  while [ $# -gt 0 ]; do
    case $1 in
      --dry-run) DRY_RUN=true ;;
      --config-dir)
        [ $# -ge 2 ] || die "--config-dir needs a directory"
        CONFIG_DIR=$2
        shift
        ;;
      --run-dir)
        [ $# -ge 2 ] || die "--run-dir needs a directory"
        RUN_DIR=$2
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      --) shift; ARGS+=("$@"); break ;;
      -*) die "unknown option $1 (see --help)" ;;
      *) ARGS+=("$1") ;;
    esac
    shift
  done
  if [ -n "${CONFIG_DIR:-}" ]; then
    KEEPALIVED_CONF=${KEEPALIVED_CONF:-$CONFIG_DIR/keepalived.conf}
    HAPROXY_CONF=${HAPROXY_CONF:-$CONFIG_DIR/haproxy.cfg}
    BIRD_CONF=${BIRD_CONF:-$CONFIG_DIR/bird.conf}
    SYSCTL_CONF_DIR=${SYSCTL_CONF_DIR:-$CONFIG_DIR}
    DNSMASQ_CONF=${DNSMASQ_CONF:-$CONFIG_DIR/dnsmasq-metadata-route.conf}
  fi
  DNSMASQ_CONF=${DNSMASQ_CONF:-/etc/dnsmasq.d/ironic-metadata-route.conf}
  KEEPALIVED_CONF=${KEEPALIVED_CONF:-/etc/keepalived/keepalived.conf}
  HAPROXY_CONF=${HAPROXY_CONF:-/etc/haproxy/haproxy.cfg}
  BIRD_CONF=${BIRD_CONF:-/etc/bird/bird.conf}
  SYSCTL_CONF_DIR=${SYSCTL_CONF_DIR:-/etc/sysctl.d}
}

# persist_sysctls NAME "key = value"...: applies the settings now and keeps them across reboots.
persist_sysctls() {
  local name=$1 setting
  shift
  for setting in "$@"; do ensure_sysctl "${setting%% = *}" "${setting##* = }"; done
  write_file "$SYSCTL_CONF_DIR/60-ironic-metadata-$name.conf" "# Written by $SCRIPT_NAME: $name
$(printf '%s\n' "$@")" || true
}

require_port() { require_number "$1" "$2" 1 65535; }

# --- nat-routing -----------------------------------------------------------------------------------

# This host's own requests are routed before OUTPUT's DNAT rewrites them: without a default route,
# 169.254.169.254 needs one of its own, the way to HOST_IP.
ensure_metadata_route() {
  local existing route
  if existing=$(ip -4 route get "$METADATA_IPV4" 2>/dev/null | head -n1) && [ -n "$existing" ]; then
    log "$METADATA_IPV4 is already routed: $(tr -s ' ' <<<"$existing")"
    return 0
  fi
  route=$(ip -4 -o route get "$1" 2>/dev/null) || die "no route to HOST_IP $1 from here: add one first"
  # `ip route get` prints "ADDR [via GW] dev DEV src SRC ...": keep the next hop and the device.
  # shellcheck disable=SC2046 # the words are ip's own arguments
  run ip -4 route add "$METADATA_IPV4/32" $(awk '{ for (i = 2; i < NF; i++) if ($i == "via" || $i == "dev") printf "%s %s ", $i, $(i + 1) }' <<<"$route")
}

# Deletes this script's DNAT rules in CHAIN that send the metadata address anywhere but TARGET, so
# that moving the service replaces its rule instead of leaving the old one first in line.
remove_stale_dnat() {
  local chain=$1 target=$2 rule
  local -a words
  while IFS= read -r rule; do
    [[ $rule == *"--comment $IMD_COMMENT"* && $rule == *"-j DNAT"* && $rule != *"--to-destination $target"* ]] || continue
    read -r -a words <<<"$rule"
    run iptables -w -t nat -D "${words[@]:1}"
  done < <(iptables -w -t nat -S "$chain" 2>/dev/null)
}

cmd_nat_routing() {
  [ $# -le 1 ] || die "usage: $SCRIPT_NAME nat-routing [HOST_IP]"
  require_tool ip iproute2
  require_tool iptables iptables
  require_tool sysctl procps
  local host_ip=${1:-}
  if [ -z "$host_ip" ]; then
    host_ip=$(primary_ipv4) || die "no HOST_IP given and no default route to take this host's address from: pass the service's address"
  fi
  is_ipv4 "$host_ip" || die "HOST_IP must be an IPv4 address, got \"$host_ip\""
  require_port METADATA_PORT "$METADATA_PORT"
  require_root "the NAT rules of this network namespace"

  local target="$host_ip:$METADATA_PORT"
  local metadata=(-d "$METADATA_IPV4/32" -p tcp --dport 80 -m comment --comment "$IMD_COMMENT")
  # Only the metadata connections: DNATed from 169.254.169.254:80, in either direction.
  local this_traffic=(-p tcp -m conntrack --ctstate DNAT --ctorigdst "$METADATA_IPV4/32" --ctorigdstport 80 -m comment --comment "$IMD_COMMENT")

  # A service elsewhere is reached by forwarding; one on this host needs none.
  if ! is_local_address "$host_ip"; then
    persist_sysctls nat "net.ipv4.ip_forward = 1"
    ensure_metadata_route "$host_ip"
  fi
  # Nodes' requests routed through this host, and this host's own (validate-networking.sh, curl).
  remove_stale_dnat PREROUTING "$target"
  remove_stale_dnat OUTPUT "$target"
  ensure_rule iptables nat PREROUTING "${metadata[@]}" -j DNAT --to-destination "$target"
  ensure_rule iptables nat OUTPUT "${metadata[@]}" -j DNAT --to-destination "$target"
  # The service tells nodes apart by their source address: no SNAT or MASQUERADE may rewrite it, even
  # when a broader masquerade rule follows, so this comes first. Replies return through this router.
  ensure_first_rule iptables nat POSTROUTING "${this_traffic[@]}" -j ACCEPT
  # Let the connections through a FORWARD chain whose policy or rules drop.
  ensure_first_rule iptables filter FORWARD "${this_traffic[@]}" -j ACCEPT
  log "nat-routing: ${METADATA_IPV4}:80 -> $target, client addresses kept (the service's replies must route back through this host)"
  log "persist the rules across reboots with iptables-persistent: netfilter-persistent save"
}

# --- bgp-bird --------------------------------------------------------------------------------------

bird_config() {
  local router_id=$1 local_as=$2 peer_ip=$3 peer_as=$4
  cat <<EOF
# Written by $SCRIPT_NAME bgp-bird: announce the metadata address ${METADATA_IPV4}/32, held on lo,
# to the upstream router. Every healthy replica announces it (anycast); removing the address from lo
# (ip addr del ${METADATA_IPV4}/32 dev lo) withdraws the route from this replica.
log stderr all;
router id $router_id;

protocol device {
  scan time 10;
}

# The addresses on lo, of which only the metadata address is exported.
protocol direct metadata_address {
  ipv4;
  interface "lo";
}

filter metadata_only {
  if net = ${METADATA_IPV4}/32 then accept;
  reject;
}

protocol bgp upstream {
  description "metadata anycast to $peer_ip";
  local as $local_as;
  neighbor $peer_ip as $peer_as;
  hold time 9;
  keepalive time 3;
  connect retry time 5;
  ipv4 {
    import none;
    export filter metadata_only;
    next hop self;
  };
}
EOF
}

start_bird() {
  spawn_daemon bird bird -f -c "$BIRD_CONF" -s "$RUN_DIR/bird.ctl" -P "$RUN_DIR/bird.pid"
}

reload_bird() {
  run birdc -s "$RUN_DIR/bird.ctl" configure
}

cmd_bgp_bird() {
  [ $# -eq 4 ] || die "usage: $SCRIPT_NAME bgp-bird ROUTER_ID LOCAL_AS PEER_IP PEER_AS"
  local router_id=$1 local_as=$2 peer_ip=$3 peer_as=$4
  is_ipv4 "$router_id" || die "ROUTER_ID must be an IPv4 address (usually this host's), got \"$router_id\""
  is_ipv4 "$peer_ip" || die "PEER_IP must be an IPv4 address, got \"$peer_ip\""
  require_number LOCAL_AS "$local_as" 1 4294967295
  require_number PEER_AS "$peer_as" 1 4294967295
  require_tool ip iproute2
  require_tool bird bird2
  require_tool birdc bird2
  require_root "the addresses on lo and the BIRD configuration"
  require_daemon_manager bird

  local config changed=false
  config=$(bird_config "$router_id" "$local_as" "$peer_ip" "$peer_as")
  check_candidate "BIRD configuration" "$config" bird -p -c
  run ip link set lo up
  ensure_address "$METADATA_IPV4/32" lo
  if write_file "$BIRD_CONF" "$config"; then changed=true; fi
  apply_daemon bird bird "$changed" start_bird reload_bird
  log "bgp-bird: announcing ${METADATA_IPV4}/32 from AS $local_as to $peer_ip (AS $peer_as); the service must listen on ${METADATA_IPV4}"
}

# --- keepalived ------------------------------------------------------------------------------------

keepalived_config() {
  local iface=$1 priority=$2 auth_pass=$3 authentication=''
  if [ -n "$auth_pass" ]; then
    authentication="
  authentication {
    auth_type PASS
    auth_pass $auth_pass
  }"
  fi
  cat <<EOF
# Written by $SCRIPT_NAME keepalived: the replica with the highest priority whose service is healthy
# holds ${METADATA_IPV4} (and ${METADATA_IPV6}) on $iface; another takes it over within about three
# advertisement intervals when it dies.
global_defs {
  router_id ironic_metadata_$(hostname -s | tr -c 'A-Za-z0-9_\n' _)
  enable_script_security
  script_user nobody nogroup
  vrrp_garp_master_refresh 60
}

# A failing /healthz on the admin port lowers this replica below any healthy one.
vrrp_script metadata_healthy {
  script "$(command -v curl || echo /usr/bin/curl) -fsS --noproxy * -o /dev/null --max-time 2 http://127.0.0.1:$ADMIN_PORT/healthz"
  interval 1
  timeout 3
  fall 2
  rise 2
  weight -100
}

vrrp_instance ironic_metadata {
  state BACKUP
  interface $iface
  virtual_router_id $VRRP_ID
  priority $priority
  advert_int 1$authentication
  virtual_ipaddress {
    ${METADATA_IPV4}/32 dev $iface
  }
  # VRRP advertises one address family; the IPv6 address simply follows the IPv4 one.
  virtual_ipaddress_excluded {
    ${METADATA_IPV6}/64 dev $iface
  }
  track_script {
    metadata_healthy
  }
}
EOF
}

# keepalived -t FILE, except that keepalived 2.2's config test is killed when it checks a script as
# another user: the same configuration is checked with its scripts run as root (they run as nobody).
keepalived_config_test() {
  local checked status=0
  checked=$(mktemp)
  sed 's/^\([[:space:]]*script_user\) .*/\1 root/' "$1" >"$checked"
  keepalived -t -f "$checked" || status=$?
  rm -f "$checked"
  return "$status"
}

start_keepalived() {
  # -n: stay in the foreground of its own session; -l -G: log to the log file, not syslog.
  spawn_daemon keepalived keepalived -n -l -G -P -f "$KEEPALIVED_CONF" -p "$RUN_DIR/keepalived.pid" -r "$RUN_DIR/keepalived-vrrp.pid"
}

reload_keepalived() {
  run kill -HUP "$1"
}

cmd_keepalived() {
  if [ $# -lt 2 ] || [ $# -gt 3 ]; then die "usage: $SCRIPT_NAME keepalived IFACE PRIORITY [AUTH_PASS]"; fi
  local iface=$1 priority=$2 auth_pass=${3:-} changed=false config
  require_number PRIORITY "$priority" 1 254
  [ ${#auth_pass} -le 8 ] || die "AUTH_PASS is at most 8 characters in VRRP (keepalived would cut it), got ${#auth_pass}"
  require_number VRRP_ID "$VRRP_ID" 1 255
  require_tool ip iproute2
  require_tool keepalived keepalived
  require_tool curl curl
  require_tool sysctl procps
  ip link show dev "$iface" >/dev/null 2>&1 || die "no interface \"$iface\" here (ip -br link lists them)"
  require_root "kernel settings and the keepalived configuration"
  require_daemon_manager keepalived

  config=$(keepalived_config "$iface" "$priority" "$auth_pass")
  check_candidate "keepalived configuration" "$config" keepalived_config_test
  # Every replica listens on the address all the time, also while another holds it.
  persist_sysctls nonlocal-bind "net.ipv4.ip_nonlocal_bind = 1" "net.ipv6.ip_nonlocal_bind = 1"
  if write_file "$KEEPALIVED_CONF" "$config"; then changed=true; fi
  apply_daemon keepalived keepalived "$changed" start_keepalived reload_keepalived
  log "keepalived: ${METADATA_IPV4} on $iface, priority $priority, virtual router $VRRP_ID; run the service with BIND_ADDR=${METADATA_IPV4},${METADATA_IPV6}%$iface"
}

# --- haproxy ---------------------------------------------------------------------------------------

# haproxy_server_lines "IP:PORT,...": one `server` line a backend; refuses anything else.
haproxy_server_lines() {
  local backends=$1 item address port index=0
  local IFS=,
  for item in $backends; do
    item=${item// /}
    [ -n "$item" ] || continue
    if [[ $item =~ ^\[([0-9A-Fa-f:]+)\]:([0-9]+)$ ]] || [[ $item =~ ^([0-9.]+):([0-9]+)$ ]]; then
      address=${BASH_REMATCH[1]}
      port=${BASH_REMATCH[2]}
    else
      die "backend \"$item\" is not IP:PORT (or [IPv6]:PORT)"
    fi
    is_ipv4 "$address" || is_ipv6 "$address" || die "backend \"$item\" has no valid IP address"
    require_port "the port of backend $item" "$port"
    index=$((index + 1))
    if is_ipv6 "$address"; then address="[$address]"; fi
    printf '  server metadata%d %s:%s\n' "$index" "$address" "$port"
  done
  [ "$index" -gt 0 ] || die "no backends given: haproxy \"IP:PORT,IP:PORT,...\""
}

haproxy_config() {
  local servers=$1 ipv6_bind=''
  if [ -n "${IPV6_IFACE:-}" ]; then
    ipv6_bind="
  bind ipv6@${METADATA_IPV6}:80 interface ${IPV6_IFACE}"
  fi
  cat <<EOF
# Written by $SCRIPT_NAME haproxy: ${METADATA_IPV4}:80 balanced over the metadata replicas. Each request
# carries the node's address in X-Forwarded-For, which the replicas honour because this host is in
# their TRUSTED_PROXIES; health checks ask /healthz on each replica's admin port $ADMIN_PORT.
global
  log stdout format raw local0 notice
  maxconn 4096

defaults
  mode http
  log global
  option httplog
  option dontlognull
  timeout connect 2s
  timeout client 15s
  timeout server 15s
  timeout http-request 10s
  # A request a dying replica refuses, or drops unanswered, is sent to another one.
  retries 2
  option redispatch 1
  retry-on conn-failure empty-response response-timeout

frontend metadata
  bind ${METADATA_IPV4}:80${ipv6_bind}
  # haproxy appends the address a request really came from to the X-Forwarded-For the node sent,
  # and the replicas take only that right-hand entry as the client. What the node itself sent is
  # kept on purpose: it shows a node relaying others, which is refused an IMDSv2 token, as on AWS.
  http-request del-header X-Real-IP
  option forwardfor
  default_backend metadata_replicas

backend metadata_replicas
  balance roundrobin
  # Sent again only if it never reached a replica: a POST (an instance password) may have been stored.
  http-request disable-l7-retry if METH_POST
  option httpchk
  http-check send meth GET uri /healthz
  http-check expect status 200
  default-server check port $ADMIN_PORT inter 1s fall 2 rise 2 on-marked-down shutdown-sessions
$servers
EOF
}

start_haproxy() {
  # -W: master-worker, so that a reload (SIGUSR2) starts new workers without dropping connections.
  spawn_daemon haproxy haproxy -W -db -f "$HAPROXY_CONF" -p "$RUN_DIR/haproxy.pid"
}

reload_haproxy() {
  run kill -USR2 "$1"
}

cmd_haproxy() {
  [ $# -eq 1 ] || die "usage: $SCRIPT_NAME haproxy \"IP:PORT,IP:PORT,...\""
  require_port ADMIN_PORT "$ADMIN_PORT"
  require_tool ip iproute2
  require_tool haproxy haproxy
  require_tool sysctl procps
  local servers config changed=false
  servers=$(haproxy_server_lines "$1")
  require_root "kernel settings and the HAProxy configuration"
  require_daemon_manager haproxy

  config=$(haproxy_config "$servers")
  check_candidate "HAProxy configuration" "$config" haproxy -c -q -f
  # The address may be held by keepalived on another LB right now: bind it anyway.
  persist_sysctls nonlocal-bind "net.ipv4.ip_nonlocal_bind = 1" "net.ipv6.ip_nonlocal_bind = 1"
  if write_file "$HAPROXY_CONF" "$config"; then changed=true; fi
  apply_daemon haproxy haproxy "$changed" start_haproxy reload_haproxy
  log "haproxy: ${METADATA_IPV4}:80 -> $(grep -c '^  server' <<<"$servers") replicas; set TRUSTED_PROXIES on each replica to this host's address"
}

# --- dhcp-route ------------------------------------------------------------------------------------

# dhcp_routes HOST_IP [ROUTER_IP]: "DESTINATION/PREFIX NEXT_HOP" lines, the metadata route first.
dhcp_routes() {
  printf '%s/32 %s\n' "$METADATA_IPV4" "$1"
  if [ -n "${2:-}" ]; then printf '0.0.0.0/0 %s\n' "$2"; fi
}

# dnsmasq_route_config HOST_IP [ROUTER_IP]: dnsmasq's form, `dhcp-option=121,DEST/PREFIX,ROUTER,...`.
dnsmasq_route_config() {
  local routes
  routes=$(dhcp_routes "$@" | tr ' ' ',' | paste -sd,)
  echo "# Written by $SCRIPT_NAME dhcp-route: DHCP option 121 (RFC 3442 classless static routes) sends"
  echo "# nodes to the metadata service at $1 for ${METADATA_IPV4}."
  if [ -n "${2:-}" ]; then echo "# A client given option 121 ignores the router option (3): the default route via $2 is here too."; fi
  echo "dhcp-option=option:classless-static-route,$routes"
}

# isc_route_config HOST_IP [ROUTER_IP]: ISC dhcpd's form, each route as its prefix length, the
# destination's significant octets, then the router's four (RFC 3442 section 3).
isc_route_config() {
  local bytes=() destination next_hop prefix octets
  while read -r destination next_hop; do
    prefix=${destination#*/}
    IFS=. read -r -a octets <<<"${destination%/*}"
    bytes+=("$prefix" "${octets[@]:0:$(((prefix + 7) / 8))}")
    IFS=. read -r -a octets <<<"$next_hop"
    bytes+=("${octets[@]}")
  done < <(dhcp_routes "$@")
  echo "# ISC dhcpd (dhcpd.conf): the same routes as option 121"
  echo "option rfc3442-classless-static-routes code 121 = array of integer 8;"
  echo "option rfc3442-classless-static-routes $(printf '%s, ' "${bytes[@]}" | sed 's/, $//');"
}

cmd_dhcp_route() {
  if [ $# -lt 1 ] || [ $# -gt 2 ]; then die "usage: $SCRIPT_NAME dhcp-route HOST_IP [ROUTER_IP]"; fi
  is_ipv4 "$1" || die "HOST_IP must be the IPv4 address nodes reach the metadata service at, got \"$1\""
  [ $# -lt 2 ] || is_ipv4 "$2" || die "ROUTER_IP must be the IPv4 address of the nodes' default router, got \"$2\""
  local config
  config=$(dnsmasq_route_config "$@")
  # Checked by dnsmasq itself where it is installed (dnsmasq-base); written either way.
  if command -v dnsmasq >/dev/null 2>&1; then check_candidate "dnsmasq snippet" "$config" dnsmasq --test --conf-file=/dev/null -C; fi
  if [ ! -w "$(dirname "$DNSMASQ_CONF")" ]; then require_root "$DNSMASQ_CONF"; fi
  write_file "$DNSMASQ_CONF" "$config" || true
  isc_route_config "$@"
  log "dhcp-route: restart dnsmasq to send it (include $DNSMASQ_CONF with conf-file= unless it is in dnsmasq's conf-dir); nodes get the route when their lease is renewed"
}

# --- test ------------------------------------------------------------------------------------------

config_accepted() {
  local file=$1
  shift
  [ -f "$file" ] || { echo "no $file"; return 2; }
  command -v "$1" >/dev/null || { echo "$1 is not installed"; return 1; }
  local output
  if output=$("$@" "$file" 2>&1); then echo "$file"; else tail -n 3 <<<"$output"; return 1; fi
}

daemon_running() {
  local name=$1 unit=$2 config=$3 pid
  [ -f "$config" ] || { echo "not configured here"; return 2; }
  if [ -n "$RUN_DIR" ]; then
    pid=$(daemon_pid "$name") && { echo "pid $pid"; return 0; }
    echo "no live pid in $RUN_DIR/$name.pid"
    return 1
  fi
  systemd_running || { echo "systemd is not running; pass --run-dir DIR for daemons started with it"; return 1; }
  if systemctl is-active --quiet "$unit"; then echo "$unit active"; else echo "$unit is $(systemctl is-active "$unit")"; return 1; fi
}

nat_rules_present() {
  command -v iptables >/dev/null || { echo "iptables is not installed"; return 2; }
  local rules
  rules=$(iptables -w -t nat -S PREROUTING 2>/dev/null | grep -c -- "--comment $IMD_COMMENT") || true
  [ "$rules" -gt 0 ] || { echo "no ironic-metadata DNAT rule here"; return 2; }
  echo "$rules DNAT rule(s)"
}

cmd_test() {
  [ $# -eq 0 ] || die "usage: $SCRIPT_NAME test"
  check "NAT rules (nat-routing)" nat_rules_present
  check "keepalived configuration" config_accepted "$KEEPALIVED_CONF" keepalived_config_test
  check "keepalived running" daemon_running keepalived keepalived "$KEEPALIVED_CONF"
  check "HAProxy configuration" config_accepted "$HAPROXY_CONF" haproxy -c -q -f
  check "HAProxy running" daemon_running haproxy haproxy "$HAPROXY_CONF"
  check "BIRD configuration" config_accepted "$BIRD_CONF" bird -p -c
  check "BIRD running" daemon_running bird bird "$BIRD_CONF"
  local status=0
  checks_summary || status=1
  "$SCRIPT_DIR/validate-networking.sh" --quick || status=1
  return "$status"
}

main() {
  parse_options "$@"
  set -- "${ARGS[@]}"
  [ $# -gt 0 ] || { usage >&2; exit 64; }
  local command=$1
  shift
  case $command in
    nat-routing) cmd_nat_routing "$@" ;;
    bgp-bird) cmd_bgp_bird "$@" ;;
    keepalived) cmd_keepalived "$@" ;;
    haproxy) cmd_haproxy "$@" ;;
    dhcp-route) cmd_dhcp_route "$@" ;;
    test) cmd_test "$@" ;;
    *) die "unknown command \"$command\" (see --help)" 64 ;;
  esac
}

main "$@"
