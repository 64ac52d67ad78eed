#!/usr/bin/env bash
# npm run bench -- [--events N] [--baseline-events M] [--queries Q] [--seed S]
# Compiles the benchmark (and the libraries it imports) into dist/, starts a fresh Kafka broker
# of its own on BENCH_KAFKA_PORT (default 39092) unless KAFKA_BROKERS is set, runs it, and stops
# that broker by its PID whatever happens. Databases live on DATABASE_URL's server. The benchmark
# makes and deletes topics and runs the relay in its own process, so it connects as the admin
# principal: that of its broker, or KAFKA_SASL_USERNAME/PASSWORD with KAFKA_BROKERS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

owns_broker=""
cleanup() {
  local status=$?
  if [[ -n "$owns_broker" ]]; then KAFKA_PORT="$owns_broker" bash scripts/kafka.sh stop || true; fi
  exit "$status"
}
trap cleanup EXIT INT TERM

node scripts/check-postgres.js
npx tsc -p tsconfig.bench.json
npx tsc-alias -p tsconfig.bench.json

if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  owns_broker="${BENCH_KAFKA_PORT:-39092}"
  KAFKA_PORT="$owns_broker" bash scripts/kafka.sh start --fresh
  export KAFKA_BROKERS="127.0.0.1:$owns_broker"
  set -a
  # shellcheck source=/dev/null
  source ".cache/kafka/$owns_broker/credentials.env"
  set +a
  export KAFKA_SASL_USERNAME="$KAFKA_ADMIN_USERNAME" KAFKA_SASL_PASSWORD="$KAFKA_ADMIN_PASSWORD"
fi

node dist/bench/bench.js "$@"
