#!/usr/bin/env bash
# Stops what `npm start` started: the apps (by recorded PID) and the local broker.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.cache/run"

for name in admin-api relay projector; do
  pid_file="$RUN_DIR/$name.pid"
  [[ -f "$pid_file" ]] || continue
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
    echo "[stop] $name stopped" >&2
  fi
  rm -f "$pid_file"
done
bash "$ROOT/scripts/kafka.sh" stop
