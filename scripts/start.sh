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
# Kafka principals (README "Kafka security"): those scripts/kafka.sh made for the local broker,
# or KAFKA_<ROLE>_USERNAME/PASSWORD from the environment for another cluster. They are read into
# this shell only: each app is given its own principal's, and no other.
if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  bash scripts/kafka.sh start
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
  # shellcheck source=/dev/null
  source "${KAFKA_HOME:-$ROOT/.cache/kafka/${KAFKA_PORT:-9092}}/credentials.env"
fi

# Sets PRINCIPAL_ENV to `env` arguments that give a command ROLE's Kafka credentials as
# KAFKA_SASL_USERNAME/PASSWORD and withhold every other principal's (none: no credentials).
principal_env() {
  local role="$1" other user_var pass_var
  PRINCIPAL_ENV=(-u KAFKA_SASL_USERNAME -u KAFKA_SASL_PASSWORD)
  for other in admin relay projector auditor subscriber; do
    PRINCIPAL_ENV+=(-u "KAFKA_${other^^}_PASSWORD")
  done
  if [[ "$role" != none ]]; then
    user_var="KAFKA_${role^^}_USERNAME"
    pass_var="KAFKA_${role^^}_PASSWORD"
    PRINCIPAL_ENV+=("KAFKA_SASL_USERNAME=${!user_var:-ledger-$role}" "KAFKA_SASL_PASSWORD=${!pass_var:-}")
  fi
}

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
principal_env admin
env "${PRINCIPAL_ENV[@]}" node scripts/topic.js

# Each app runs under scripts/supervise.sh, which starts it again whenever it exits (a crash,
# a lost database connection) until `npm stop`; restarts are logged in the app's log. Apps write
# to stdout; scripts/log-file.js keeps that in a size-capped file per app.
start_app() {
  local name="$1" port="$2" role="$3" principal="$4"
  local pid_file="$RUN_DIR/$name.pid"
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    log "$name already running (supervisor pid $(cat "$pid_file"))"
    return
  fi
  # Only the relay signs checkpoints: no other app gets the private key. No app gets the
  # superuser's URL, another role's password or another principal's: each connects as its own.
  local withheld=(-u MIGRATION_DATABASE_URL -u LEDGER_DB_WRITER_PASSWORD -u LEDGER_DB_RELAY_PASSWORD
    -u LEDGER_DB_PROJECTOR_PASSWORD -u LEDGER_DB_AUDITOR_PASSWORD)
  if [[ "$name" != relay ]]; then withheld+=(-u CHECKPOINT_SIGNING_KEY); fi
  local database_url
  database_url="$(node scripts/db-roles.js url "$role")"
  principal_env "$principal"
  PORT="$port" DATABASE_URL="$database_url" setsid env "${withheld[@]}" "${PRINCIPAL_ENV[@]}" \
    bash scripts/supervise.sh "$name" node "dist/apps/$name/src/main.js" \
    > >(node scripts/log-file.js "$RUN_DIR/$name.log") 2>&1 </dev/null &
  echo $! >"$pid_file"
  log "$name started on port $port (supervisor pid $!, log .cache/run/$name.log, capped)"
}

start_app admin-api "${PORT:-3000}" ledger_writer none
start_app relay "${RELAY_PORT:-3001}" ledger_relay relay
start_app projector "${PROJECTOR_PORT:-3002}" ledger_projector projector

for port in "${PORT:-3000}" "${RELAY_PORT:-3001}" "${PROJECTOR_PORT:-3002}"; do
  node scripts/wait-http.js "http://127.0.0.1:$port/health/ready" 60
done

API="http://127.0.0.1:${PORT:-3000}"
if [[ -f scripts/seed.js ]]; then node scripts/seed.js "$API"; fi

cat <<INFO

The ledger is up.
  API      $API/v1  (Swagger UI: $API/docs, readiness: $API/health/ready, metrics: $API/metrics)
  keys     .cache/run/keys.env  (admin, reader, auditor; send as 'Authorization: Bearer <key>')
  auditor  npm run auditor -- verify   (as ledger_auditor, with the auditor's Kafka principal:
           source .cache/run/db.env and the credentials below; README "For auditors")
  Kafka    $KAFKA_BROKERS, topic ${KAFKA_TOPIC:-policy.events} (SASL/SCRAM-SHA-512; the local broker's
           principals in ${KAFKA_HOME:-.cache/kafka/${KAFKA_PORT:-9092}}/credentials.env)
  stop     npm stop
INFO
