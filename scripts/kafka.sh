#!/usr/bin/env bash
# Runs a real single-node KRaft Apache Kafka broker from Maven Central jars, no Docker needed.
#
#   scripts/kafka.sh start [--fresh]   fetch jars if missing, format, start, wait until ready
#   scripts/kafka.sh stop              SIGTERM the recorded PID, then wait for it to exit
#   scripts/kafka.sh status            exit 0 when the recorded broker process is alive
#
# Environment: KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (default KAFKA_PORT+1),
# KAFKA_HOME (state folder, default .cache/kafka/<port>). --fresh wipes the data dir first.
#
# Clients authenticate with SCRAM-SHA-512 as one of the ledger's principals (ledger-admin,
# ledger-relay, ledger-projector, ledger-auditor, ledger-subscriber). Their passwords come from
# KAFKA_<ROLE>_PASSWORD when set, else are made once and kept in KAFKA_HOME/credentials.env
# (mode 600); the users are added when the data dir is formatted, so a password changed later
# needs --fresh. After each start, scripts/kafka-acls.js grants each principal its ACLs, for the
# topics named KAFKA_TOPIC* and the consumer groups named PROJECTOR_GROUP_ID* (see README).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIB_DIR="$ROOT/.cache/kafka/lib"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
HOME_DIR="${KAFKA_HOME:-$ROOT/.cache/kafka/$PORT}"
DATA_DIR="$HOME_DIR/data"
PID_FILE="$HOME_DIR/broker.pid"
LOG_FILE="$HOME_DIR/broker.log"
PROPS="$HOME_DIR/server.properties"
CREDENTIALS="$HOME_DIR/credentials.env"
ROLES=(admin relay projector auditor subscriber)

log() { echo "[kafka:$PORT] $*" >&2; }

fetch_jars() {
  if [[ -f "$LIB_DIR/.complete" ]]; then return; fi
  log "fetching broker jars from Maven Central (once; cached in $LIB_DIR)"
  rm -rf "$LIB_DIR"
  mvn -q -B -f "$ROOT/infra/kafka/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.7.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIB_DIR"
  touch "$LIB_DIR/.complete"
}

is_running() {
  [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

# Sets KAFKA_<ROLE>_USERNAME and _PASSWORD for every role: the environment first, then the
# credentials file, else a new random password; then writes the file with what was chosen.
load_credentials() {
  local role upper user_var pass_var kept
  if [[ -f "$CREDENTIALS" ]]; then kept="$(cat "$CREDENTIALS")"; else kept=""; fi
  (
    umask 077
    for role in "${ROLES[@]}"; do
      upper="${role^^}"
      user_var="KAFKA_${upper}_USERNAME"
      pass_var="KAFKA_${upper}_PASSWORD"
      if [[ -z "${!user_var:-}" ]]; then
        printf -v "$user_var" '%s' "$(sed -n "s/^$user_var=//p" <<<"$kept")"
      fi
      if [[ -z "${!pass_var:-}" ]]; then
        printf -v "$pass_var" '%s' "$(sed -n "s/^$pass_var=//p" <<<"$kept")"
      fi
      printf -v "$user_var" '%s' "${!user_var:-ledger-$role}"
      if [[ -z "${!pass_var}" ]]; then
        printf -v "$pass_var" '%s' "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
      fi
      # The values go into SCRAM and JAAS specifications unquoted.
      if [[ ! "${!user_var}${!pass_var}" =~ ^[A-Za-z0-9._-]+$ ]]; then
        log "$user_var and $pass_var may hold only letters, digits, '.', '_' and '-'"
        exit 1
      fi
      echo "$user_var=${!user_var}"
      echo "$pass_var=${!pass_var}"
    done >"$CREDENTIALS.new"
  )
  mv "$CREDENTIALS.new" "$CREDENTIALS"
  chmod 600 "$CREDENTIALS"
  set -a
  # shellcheck source=/dev/null
  source "$CREDENTIALS"
  set +a
}

write_config() {
  (
    umask 077
    sed -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$DATA_DIR|g" \
      -e "s|@ADMIN_USERNAME@|$KAFKA_ADMIN_USERNAME|g" -e "s|@ADMIN_PASSWORD@|$KAFKA_ADMIN_PASSWORD|g" \
      "$ROOT/infra/kafka/server.properties.template" >"$PROPS"
  )
}

scram_users() {
  local role upper user_var pass_var
  for role in "${ROLES[@]}"; do
    upper="${role^^}"
    user_var="KAFKA_${upper}_USERNAME"
    pass_var="KAFKA_${upper}_PASSWORD"
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=${!user_var},password=${!pass_var}]"
  done
}

grant_acls() {
  KAFKA_BROKERS="127.0.0.1:$PORT" KAFKA_SASL_USERNAME="$KAFKA_ADMIN_USERNAME" \
    KAFKA_SASL_PASSWORD="$KAFKA_ADMIN_PASSWORD" KAFKA_SSL=false node "$ROOT/scripts/kafka-acls.js"
}

wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  # Ready when the broker says so and its listener accepts connections.
  until grep -q "Kafka Server started" "$LOG_FILE" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
    if ! is_running; then
      log "broker exited during start-up; last log lines:"
      tail -n 40 "$LOG_FILE" >&2 || true
      exit 1
    fi
    if ((SECONDS > deadline)); then
      log "broker not ready after ${KAFKA_START_TIMEOUT:-90}s"
      exit 1
    fi
    sleep 0.5
  done
}

start() {
  local fresh="${1:-}"
  if is_running; then
    log "already running (pid $(cat "$PID_FILE"))"
    load_credentials
    grant_acls
    return
  fi
  fetch_jars
  mkdir -p "$HOME_DIR"
  if [[ "$fresh" == "--fresh" ]]; then rm -rf "$DATA_DIR"; fi
  load_credentials
  write_config
  if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
    local cluster_id users
    cluster_id="$(java -cp "$LIB_DIR/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    mapfile -t users < <(scram_users)
    java -Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.yaml" -cp "$LIB_DIR/*" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" --standalone --ignore-formatted \
      "${users[@]}" >/dev/null
  fi
  log "starting (data in $DATA_DIR, log in $LOG_FILE)"
  # setsid: the broker gets its own session, so a Ctrl-C in the caller's terminal does not
  # kill it half-way; it is stopped only through its recorded PID.
  setsid java -Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.yaml" \
    -cp "$LIB_DIR/*" kafka.Kafka "$PROPS" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  wait_ready
  grant_acls
  log "ready on 127.0.0.1:$PORT (pid $(cat "$PID_FILE")); SASL/SCRAM-SHA-512 credentials in $CREDENTIALS"
}

stop() {
  if ! is_running; then
    rm -f "$PID_FILE"
    return
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "broker did not stop in 30s; killing"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  status) is_running ;;
  *)
    echo "usage: $0 start [--fresh] | stop | status" >&2
    exit 2
    ;;
esac
