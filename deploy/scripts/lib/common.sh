# shellcheck shell=bash
# Shared helpers of the deploy scripts: messages, dry-run, root and tool checks, idempotent changes.
# Every change goes through one of the ensure_* / write_* / run helpers, so that --dry-run prints what
# would change (and changes nothing) and a second run changes nothing that is already in place.
#
# The sourcing script sets SCRIPT_NAME; DRY_RUN (true|false) is set by its option parsing.

DRY_RUN=${DRY_RUN:-false}

# The address Nova, cloud-init and the EC2 SDKs ask, and its IPv6 twin (Nova answers it since Victoria).
# shellcheck disable=SC2034 # used by the scripts that source this file
readonly METADATA_IPV4=169.254.169.254
# shellcheck disable=SC2034
readonly METADATA_IPV6=fe80::a9fe:a9fe
# shellcheck disable=SC2034 # marks the firewall rules these scripts add
readonly IMD_COMMENT=ironic-metadata

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }

# die MESSAGE [EXIT_CODE]: one line that says what is wrong and how to fix it.
die() {
  printf '%s: error: %s\n' "$SCRIPT_NAME" "$1" >&2
  exit "${2:-1}"
}

# Runs a command that changes something, or prints it under --dry-run.
run() {
  if [ "$DRY_RUN" = true ]; then
    printf '+ %s\n' "$(quote_command "$@")"
  else
    "$@"
  fi
}

quote_command() {
  local quoted=() word
  for word in "$@"; do
    if [[ $word =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then quoted+=("$word"); else quoted+=("$(printf '%q' "$word")"); fi
  done
  printf '%s' "${quoted[*]}"
}

require_root() {
  [ "$DRY_RUN" = true ] && return 0
  [ "$(id -u)" -eq 0 ] || die "must run as root, it changes $1: sudo $SCRIPT_NAME ... (or --dry-run to only print the changes)" 2
}

# require_tool COMMAND DEBIAN_PACKAGE
require_tool() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is missing: install the Debian package $2 (apt-get install $2)" 3
}

# require_number WHAT VALUE MIN MAX: refuses anything but a whole number from MIN to MAX.
require_number() {
  if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
    die "$1 must be a whole number from $3 to $4, got \"$2\""
  fi
}

# The dotted quad IPv4 dotted quad check the subcommands use for their arguments.
is_ipv4() {
  local IFS=. octet
  # shellcheck disable=SC2206 # splitting on dots is the point
  local parts=($1)
  [[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || return 1
  for octet in "${parts[@]}"; do [ "$octet" -le 255 ] || return 1; done
}

is_ipv6() { [[ $1 =~ ^[0-9A-Fa-f:]+$ && $1 == *:* ]]; }

# ensure_sysctl KEY VALUE: sets a (network namespace scoped) kernel setting only when it differs.
ensure_sysctl() {
  local current
  current=$(sysctl -n "$1" 2>/dev/null) || die "cannot read sysctl $1 (is procps installed and /proc/sys mounted?)"
  if [ "$current" = "$2" ]; then
    log "sysctl $1 is already $2"
  else
    run sysctl -q -w "$1=$2"
  fi
}

# ensure_address CIDR DEV: adds an address to an interface unless it is there already.
ensure_address() {
  local family=-4
  is_ipv6 "${1%/*}" && family=-6
  if [ -n "$(ip "$family" -o addr show dev "$2" to "$1" 2>/dev/null)" ]; then
    log "address $1 is already on $2"
  else
    run ip "$family" addr add "$1" dev "$2"
  fi
}

# is_local_address IP: true when this (network namespace's) host owns the address.
is_local_address() {
  ip -o addr show to "$1" 2>/dev/null | grep -q .
}

# ensure_rule IPTABLES TABLE CHAIN RULE...: appends a rule unless `-C` finds it (iptables or ip6tables).
ensure_rule() {
  add_rule_unless_present append "$@"
}

# ensure_first_rule IPTABLES TABLE CHAIN RULE...: like ensure_rule, but inserts it first in the chain.
ensure_first_rule() {
  add_rule_unless_present first "$@"
}

# add_rule_unless_present append|first IPTABLES TABLE CHAIN RULE...
add_rule_unless_present() {
  local where=$1 tool=$2 table=$3 chain=$4
  shift 4
  if "$tool" -w -t "$table" -C "$chain" "$@" 2>/dev/null; then
    log "$tool -t $table $chain already has: $*"
  elif [ "$where" = first ]; then
    run "$tool" -w -t "$table" -I "$chain" 1 "$@"
  else
    run "$tool" -w -t "$table" -A "$chain" "$@"
  fi
}

# write_file PATH CONTENT [MODE]: writes only when the content differs; returns 0 when it (would have)
# changed, 1 when it was already up to date. Under --dry-run, shows the difference instead.
write_file() {
  local path=$1 content=$2 mode=${3:-0644} tmp
  if [ -f "$path" ] && [ "$(cat "$path")" = "$content" ]; then
    log "$path is up to date"
    return 1
  fi
  if [ "$DRY_RUN" = true ]; then
    printf '+ write %s:\n' "$path"
    diff -u --label "$path" --label "$path (new)" "$( [ -f "$path" ] && echo "$path" || echo /dev/null)" <(printf '%s\n' "$content") || true
    return 0
  fi
  mkdir -p "$(dirname "$path")"
  tmp=$(mktemp "$path.XXXXXX")
  printf '%s\n' "$content" >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$path"
  log "wrote $path"
}

# check_candidate DESCRIPTION CONTENT CHECKER...: runs CHECKER with the candidate file as its last
# argument, so a configuration the daemon rejects is never installed.
check_candidate() {
  local description=$1 content=$2 candidate output
  shift 2
  candidate=$(mktemp)
  printf '%s\n' "$content" >"$candidate"
  if ! output=$("$@" "$candidate" 2>&1); then
    rm -f "$candidate"
    die "the generated $description does not pass $1's own check:"$'\n'"$output"
  fi
  rm -f "$candidate"
}

# --- daemons -------------------------------------------------------------------------------------
# With RUN_DIR set (--run-dir), a daemon runs directly with its pid file and log in RUN_DIR: the way to
# run one per network namespace, as the tests do. Otherwise its systemd unit is (re)loaded.

systemd_running() { [ -d /run/systemd/system ]; }

# Refuses early, before anything changes, when neither way of running a daemon is available.
require_daemon_manager() {
  [ -n "${RUN_DIR:-}" ] && return 0
  [ "$DRY_RUN" = true ] && return 0
  systemd_running || die "systemd is not running here: pass --run-dir DIR to run $1 directly (pid file and log in DIR)"
}

# daemon_pid NAME: prints the pid of a daemon started with --run-dir when it is alive.
daemon_pid() {
  local pidfile="$RUN_DIR/$1.pid" pid
  [ -s "$pidfile" ] || return 1
  pid=$(head -n1 "$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && printf '%s\n' "$pid"
}

# spawn_daemon NAME COMMAND...: starts a foreground daemon in its own session, output to RUN_DIR/NAME.log,
# and waits (at most 5 s) for its pid file.
spawn_daemon() {
  local name=$1 attempt
  shift
  if [ "$DRY_RUN" = true ]; then
    printf '+ %s >%s 2>&1 &\n' "$(quote_command setsid "$@")" "$RUN_DIR/$name.log"
    return 0
  fi
  mkdir -p "$RUN_DIR"
  rm -f "$RUN_DIR/$name.pid"
  setsid "$@" >"$RUN_DIR/$name.log" 2>&1 </dev/null &
  for attempt in $(seq 1 50); do
    daemon_pid "$name" >/dev/null && { log "started $name (pid $(daemon_pid "$name"), log $RUN_DIR/$name.log)"; return 0; }
    sleep 0.1
  done
  die "$name did not start within 5 s ($attempt checks); its log $RUN_DIR/$name.log says:"$'\n'"$(tail -n 20 "$RUN_DIR/$name.log")"
}

# apply_daemon NAME UNIT CHANGED START_FUNCTION RELOAD_FUNCTION: starts the daemon when it is not
# running, reloads it when its configuration CHANGED (true|false), and otherwise leaves it alone.
apply_daemon() {
  local name=$1 unit=$2 changed=$3 start=$4 reload=$5 pid
  if [ -n "${RUN_DIR:-}" ]; then
    if pid=$(daemon_pid "$name"); then
      if [ "$changed" = true ]; then "$reload" "$pid"; else log "$name is running (pid $pid) with this configuration"; fi
    else
      "$start"
    fi
  elif [ "$DRY_RUN" = true ] || systemd_running; then
    if [ "$changed" = true ] || ! systemctl is-active --quiet "$unit" 2>/dev/null; then
      run systemctl enable "$unit"
      run systemctl reload-or-restart "$unit"
    else
      log "$unit is active with this configuration"
    fi
  fi
}

# --- this host's primary interface -------------------------------------------------------------------

# primary_interface: the interface of the default route (IPv4 first, then IPv6), whatever its name:
# read from `ip route`, whose names carry no `@peer` suffix (unlike `ip -o link` for VLANs and veths).
primary_interface() {
  local family route
  for family in -4 -6; do
    route=$(ip "$family" -o route show default 2>/dev/null | head -n1)
    [ -n "$route" ] || continue
    awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }' <<<"$route"
    return 0
  done
  return 1
}

# primary_ipv4: the source address of the default route, else the first global address of its interface.
primary_ipv4() {
  local route iface
  route=$(ip -4 -o route show default 2>/dev/null | head -n1)
  [ -n "$route" ] || return 1
  if [[ $route =~ \ src\ ([0-9.]+) ]]; then
    printf '%s\n' "${BASH_REMATCH[1]}"
    return 0
  fi
  iface=$(primary_interface) || return 1
  ip -4 -o addr show dev "$iface" scope global | awk '{ split($4, a, "/"); print a[1]; exit }' | grep .
}
