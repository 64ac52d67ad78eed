#!/usr/bin/env bash
# Brings the whole ledger up on this machine, without Docker: a KRaft Kafka broker from Maven
# Central jars (unless KAFKA_BROKERS is set), the database (MIGRATION_DATABASE_URL or DATABASE_URL,
# as the server's superuser, or the local server), migrations, the event topic, the apps
# (admin-api, relay, projector, each connected as its own database role), and the demo events.
# `npm stop` stops what this started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUN_DIR="$ROOT/.cache/run"
mkdir -p "$RUN_DIR"

log() { echo "[start] $*" >&2; }

# Only the migrations connect as the superuser; the apps get URLs of their own roles (below).
export MIGRATION_DATABASE_URL="${MIGRATION_DATABASE_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ledger}}"
unset DATABASE_URL
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

# The database roles' passwords: from the environment when set, else made once and kept in
# .cache/run/db.env; the migrations give them to the roles.
node scripts/db-roles.js passwords "$RUN_DIR/db.env"
while IFS='=' read -r name value; do
  if [[ -z "${!name:-}" ]]; then export "$name=$value"; fi
done <"$RUN_DIR/db.env"

node scripts/check-postgres.js
log "building"
npm run --silent build
node scripts/db.js migrate
node scripts/topic.js

# Each app runs under scripts/supervise.sh, which starts it again whenever it exits (a crash,
# a lost database connection) until `npm stop`; restarts are logged in the app's log.
start_app() {
  local name="$1" port="$2" role="$3"
  local pid_file="$RUN_DIR/$name.pid"
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    log "$name already running (supervisor pid $(cat "$pid_file"))"
    return
  fi
  # Only the relay signs checkpoints: no other app gets the private key. No app gets the
  # superuser's URL or another role's password: each connects as its own role.
  local withheld=(-u MIGRATION_DATABASE_URL -u LEDGER_DB_WRITER_PASSWORD -u LEDGER_DB_RELAY_PASSWORD
    -u LEDGER_DB_PROJECTOR_PASSWORD -u LEDGER_DB_AUDITOR_PASSWORD)
  if [[ "$name" != relay ]]; then withheld+=(-u CHECKPOINT_SIGNING_KEY); fi
  local database_url
  database_url="$(node scripts/db-roles.js url "$role")"
  PORT="$port" DATABASE_URL="$database_url" setsid env "${withheld[@]}" \
    bash scripts/supervise.sh "$name" node "dist/apps/$name/src/main.js" \
    >"$RUN_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$pid_file"
  log "$name started on port $port (supervisor pid $!, log .cache/run/$name.log)"
}

start_app admin-api "${PORT:-3000}" ledger_writer
start_app relay "${RELAY_PORT:-3001}" ledger_relay
start_app projector "${PROJECTOR_PORT:-3002}" ledger_projector

for port in "${PORT:-3000}" "${RELAY_PORT:-3001}" "${PROJECTOR_PORT:-3002}"; do
  node scripts/wait-http.js "http://127.0.0.1:$port/health/ready" 60
done

API="http://127.0.0.1:${PORT:-3000}"
if [[ -f scripts/seed.js ]]; then node scripts/seed.js "$API"; fi

cat <<INFO

The ledger is up.
  API      $API/v1  (Swagger UI: $API/docs, readiness: $API/health/ready, metrics: $API/metrics)
  keys     .cache/run/keys.env  (admin, reader, auditor; send as 'Authorization: Bearer <key>')
  auditor  source .cache/run/db.env; DATABASE_URL="\$(node scripts/db-roles.js url ledger_auditor)" npm run auditor -- verify
  Kafka    $KAFKA_BROKERS, topic ${KAFKA_TOPIC:-policy.events}
  stop     npm stop
INFO
