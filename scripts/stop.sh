#!/usr/bin/env bash
# Stops what `npm start` started: each app's supervisor (by recorded PID), which stops its app
# without restarting it, and the local broker.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.cache/run"

for name in admin-api relay projector; do
  pid_file="$RUN_DIR/$name.pid"
  [[ -f "$pid_file" ]] || continue
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    # The supervisor gives its app 10 s before killing it; a little more for itself.
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "[stop] $name stopped" >&2
  fi
  rm -f "$pid_file"
done
bash "$ROOT/scripts/kafka.sh" stop
