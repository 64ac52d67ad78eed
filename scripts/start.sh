#!/usr/bin/env bash
# Brings the whole ledger up on this machine, without Docker: a KRaft Kafka broker from Maven
# Central jars (unless KAFKA_BROKERS is set), the database (DATABASE_URL or the local server),
# migrations, the event topic, the apps (admin-api, relay, projector), and the demo events.
# `npm stop` stops what this started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUN_DIR="$ROOT/.cache/run"
mkdir -p "$RUN_DIR"

log() { echo "[start] $*" >&2; }

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ledger}"
if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  bash scripts/kafka.sh start
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
fi

# Secrets: taken from the environment when set, else made once and kept in .cache/run/keys.env —
# the bootstrap API keys, and the key pair with which the relay signs checkpoints.
node scripts/keys.js env "$RUN_DIR/keys.env"
while IFS='=' read -r name value; do
  if [[ -z "${!name:-}" ]]; then export "$name=$value"; fi
done <"$RUN_DIR/keys.env"

node scripts/check-postgres.js
log "building"
npm run --silent build
node scripts/db.js migrate
node scripts/topic.js

# Each app runs under scripts/supervise.sh, which starts it again whenever it exits (a crash,
# a lost database connection) until `npm stop`; restarts are logged in the app's log.
start_app() {
  local name="$1" port="$2"
  local pid_file="$RUN_DIR/$name.pid"
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    log "$name already running (supervisor pid $(cat "$pid_file"))"
    return
  fi
  # Only the relay signs checkpoints: no other app gets the private key.
  local withheld=()
  if [[ "$name" != relay ]]; then withheld=(-u CHECKPOINT_SIGNING_KEY); fi
  PORT="$port" setsid env "${withheld[@]}" bash scripts/supervise.sh "$name" node "dist/apps/$name/src/main.js" \
    >"$RUN_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$pid_file"
  log "$name started on port $port (supervisor pid $!, log .cache/run/$name.log)"
}

start_app admin-api "${PORT:-3000}"
start_app relay "${RELAY_PORT:-3001}"
start_app projector "${PROJECTOR_PORT:-3002}"

for port in "${PORT:-3000}" "${RELAY_PORT:-3001}" "${PROJECTOR_PORT:-3002}"; do
  node scripts/wait-http.js "http://127.0.0.1:$port/health/ready" 60
done

API="http://127.0.0.1:${PORT:-3000}"
if [[ -f scripts/seed.js ]]; then node scripts/seed.js "$API"; fi

cat <<INFO

The ledger is up.
  API      $API/v1  (Swagger UI: $API/docs, readiness: $API/health/ready, metrics: $API/metrics)
  keys     .cache/run/keys.env  (admin, reader, auditor; send as 'Authorization: Bearer <key>')
  Kafka    $KAFKA_BROKERS, topic ${KAFKA_TOPIC:-policy.events}
  stop     npm stop
INFO
