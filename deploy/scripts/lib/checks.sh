# shellcheck shell=bash
# A tally of named checks: each prints one PASS, FAIL or SKIP line; the summary gives the exit status.
# A check never aborts the run, whatever `set -e` says: every check runs and is reported.

CHECKS_PASSED=0
CHECKS_FAILED=0
CHECKS_SKIPPED=0

pass() { CHECKS_PASSED=$((CHECKS_PASSED + 1)); printf 'PASS  %s%s\n' "$1" "${2:+  ($2)}"; }
fail() { CHECKS_FAILED=$((CHECKS_FAILED + 1)); printf 'FAIL  %s%s\n' "$1" "${2:+  -- $2}"; }
skip() { CHECKS_SKIPPED=$((CHECKS_SKIPPED + 1)); printf 'SKIP  %s%s\n' "$1" "${2:+  ($2)}"; }

# check NAME FUNCTION [ARGS...]: FUNCTION prints its detail and returns 0 (pass), 1 (fail) or 2 (skip).
check() {
  local name=$1 detail status=0
  shift
  detail=$("$@" 2>&1) || status=$?
  detail=${detail//$'\n'/; }
  case $status in
    0) pass "$name" "$detail" ;;
    2) skip "$name" "$detail" ;;
    *) fail "$name" "$detail" ;;
  esac
  return 0
}

# Prints the summary line and returns 1 when any check failed.
checks_summary() {
  printf '%s: %d passed, %d failed, %d skipped\n' "$SCRIPT_NAME" "$CHECKS_PASSED" "$CHECKS_FAILED" "$CHECKS_SKIPPED"
  [ "$CHECKS_FAILED" -eq 0 ]
}
