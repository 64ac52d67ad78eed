#!/usr/bin/env bash
# Runs a real single-node KRaft Apache Kafka broker from Maven Central jars, no Docker needed.
#
#   scripts/kafka.sh start [--fresh]   fetch jars if missing, format, start, wait until ready
#   scripts/kafka.sh stop              SIGTERM the recorded PID, then wait for it to exit
#   scripts/kafka.sh status            exit 0 when the recorded broker process is alive
#
# Environment: KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (default KAFKA_PORT+1),
# KAFKA_HOME (state folder, default .cache/kafka/<port>). --fresh wipes the data dir first.
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

write_config() {
  sed -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$DATA_DIR|g" \
    "$ROOT/infra/kafka/server.properties.template" >"$PROPS"
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
    return
  fi
  fetch_jars
  mkdir -p "$HOME_DIR"
  if [[ "$fresh" == "--fresh" ]]; then rm -rf "$DATA_DIR"; fi
  write_config
  if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java -cp "$LIB_DIR/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java -Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.yaml" -cp "$LIB_DIR/*" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" --standalone --ignore-formatted >/dev/null
  fi
  log "starting (data in $DATA_DIR, log in $LOG_FILE)"
  # setsid: the broker gets its own session, so a Ctrl-C in the caller's terminal does not
  # kill it half-way; it is stopped only through its recorded PID.
  setsid java -Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.yaml" \
    -cp "$LIB_DIR/*" kafka.Kafka "$PROPS" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  wait_ready
  log "ready on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"))"
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
