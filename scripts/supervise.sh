#!/usr/bin/env bash
# Runs one app and starts it again whenever it exits, for whatever reason, until this script
# is told to stop (SIGTERM or SIGINT, as `npm stop` does); then it stops the app and exits.
#
#   scripts/supervise.sh NAME COMMAND [ARGS...]
#
# Restarts back off from 1 s, doubling up to 30 s; an app that ran for a minute or more starts
# again at 1 s. Each restart is reported on stdout, which `npm start` sends to the app's log.
# SUPERVISE_STOP_TIMEOUT (seconds, default 10) bounds the wait for the app to stop before it is
# killed.
set -uo pipefail

if (($# < 2)); then
  echo "usage: $0 NAME COMMAND [ARGS...]" >&2
  exit 2
fi
NAME="$1"
shift

MIN_BACKOFF=1
MAX_BACKOFF=30
HEALTHY_RUN=60
STOP_TIMEOUT="${SUPERVISE_STOP_TIMEOUT:-10}"

log() { echo "[supervise] $(date -u +%Y-%m-%dT%H:%M:%SZ) $NAME: $*"; }

stopping=""
child=""
pause=""

stop() {
  stopping=1
  if [[ -n "$pause" ]]; then kill "$pause" 2>/dev/null; fi
  if [[ -n "$child" ]] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$child" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$child" 2>/dev/null; then
      log "did not stop within ${STOP_TIMEOUT}s; killing it"
      kill -KILL "$child" 2>/dev/null
    fi
  fi
  log "stopped"
  exit 0
}
trap stop TERM INT

backoff=$MIN_BACKOFF
while [[ -z "$stopping" ]]; do
  started=$SECONDS
  "$@" &
  child=$!
  log "running (pid $child)"
  # `wait` returns early when a trapped signal arrives; the trap then stops the child.
  wait "$child"
  status=$?
  child=""
  [[ -n "$stopping" ]] && break
  if ((SECONDS - started >= HEALTHY_RUN)); then backoff=$MIN_BACKOFF; fi
  log "exited with status $status; restarting in ${backoff}s"
  sleep "$backoff" &
  pause=$!
  wait "$pause"
  pause=""
  backoff=$((backoff * 2 > MAX_BACKOFF ? MAX_BACKOFF : backoff * 2))
done
