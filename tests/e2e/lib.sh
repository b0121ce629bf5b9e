#!/usr/bin/env bash
# Helpers for the k3d journeys. Every command goes through `run` (or `capture`, `apply_template`, `wait_until`),
# which prints it first ("+ command") and, with E2E_DRY_RUN=1, does not execute it: the dry run is the list of
# every command the suite would run, in order.
# shellcheck shell=bash

E2E_DRY_RUN=${E2E_DRY_RUN:-0}
E2E_WORK=${E2E_WORK:-}

log() { printf '==> %s\n' "$*"; }

fail() {
  printf 'e2e: FAIL: %s\n' "$*" >&2
  exit 1
}

# The command as a shell would need it typed: plain words as they are, others in single quotes.
quoted() {
  local words=() word q="'"
  for word in "$@"; do
    if [[ -n "$word" && "$word" =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
      words+=("$word")
    else
      words+=("$q${word//$q/$q\\$q$q}$q")
    fi
  done
  printf '%s' "${words[*]}"
}

# run CMD...: print, then execute (not in a dry run).
run() {
  printf '+ %s\n' "$(quoted "$@")"
  [ "$E2E_DRY_RUN" = 1 ] && return 0
  "$@"
}

# capture VAR CMD...: print, execute and keep stdout (trailing newline trimmed) in VAR; a dry run stores <VAR>.
capture() {
  local var=$1 out
  shift
  # shellcheck disable=SC2016  # a literal $( ) in the printed line
  printf '+ %s=$(%s)\n' "$var" "$(quoted "$@")"
  if [ "$E2E_DRY_RUN" = 1 ]; then
    printf -v "$var" '<%s>' "$var"
    return 0
  fi
  out=$("$@") || fail "$var: $(quoted "$@") failed"
  printf -v "$var" '%s' "$out"
}

# apply_template FILE NAME=VALUE...: kubectl apply of FILE with each @NAME@ replaced (no sed, no eval).
apply_template() {
  local file=$1 text pair
  shift
  printf '+ kubectl apply -f %s  # with %s\n' "$(quoted "$file")" "$*"
  [ "$E2E_DRY_RUN" = 1 ] && return 0
  text=$(<"$file")
  for pair in "$@"; do
    text=${text//@${pair%%=*}@/${pair#*=}}
  done
  printf '%s\n' "$text" | kubectl apply -f -
}

# wait_until SECONDS WHAT CMD...: run CMD until it succeeds, failing after SECONDS. Each try checks the condition
# itself; the pause between tries only spaces them out.
wait_until() {
  local timeout=$1 what=$2 deadline
  shift 2
  printf '+ until %s; do retry; done  # up to %ss: %s\n' "$(quoted "$@")" "$timeout" "$what"
  [ "$E2E_DRY_RUN" = 1 ] && return 0
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${timeout}s waiting for: $what"
    sleep 2
  done
}

# expect_empty WHAT CMD...: CMD must print nothing (a listing of leftovers).
expect_empty() {
  local what=$1 out
  shift
  printf '+ %s  # must print nothing: %s\n' "$(quoted "$@")" "$what"
  [ "$E2E_DRY_RUN" = 1 ] && return 0
  out=$("$@" 2>&1) || fail "$what: $(quoted "$@") failed: $out"
  [ -z "$out" ] || fail "$what: left behind:"$'\n'"$out"
}

# metrics NODE: the node runtime's /metrics on NODE, through the API server's node proxy (hostNetwork :10093).
metrics() {
  kubectl get --raw "/api/v1/nodes/$1:10093/proxy/metrics"
}

# has_series NODE PATTERN: the node's /metrics has a sample line matching the extended regex PATTERN.
has_series() {
  metrics "$1" | grep -Eq "$2"
}
