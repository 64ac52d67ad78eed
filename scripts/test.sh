#!/usr/bin/env bash
# The full test suite on a real Kafka broker and a real PostgreSQL (see README).
# Jest's global setup starts one broker for the run (unless KAFKA_BROKERS is set) and migrates a
# template database; this wrapper builds the apps the end-to-end tests start as processes and
# makes sure nothing the run started outlives it, even when tests fail or jest crashes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export LEDGER_TEST_RUN_ID="run-$$-$RANDOM"
owns_broker=""
if [[ -z "${KAFKA_BROKERS:-}" ]]; then owns_broker="${TEST_KAFKA_PORT:-19092}"; fi

cleanup() {
  local status=$?
  if [[ -n "$owns_broker" ]]; then KAFKA_PORT="$owns_broker" bash scripts/kafka.sh stop || true; fi
  # Any process that inherited this run's id (apps spawned by e2e tests) is ended.
  for environ in /proc/[0-9]*/environ; do
    local pid="${environ#/proc/}"
    pid="${pid%/environ}"
    [[ "$pid" == "$$" ]] && continue
    if { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qx "LEDGER_TEST_RUN_ID=$LEDGER_TEST_RUN_ID"; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  exit "$status"
}
trap cleanup EXIT INT TERM

node scripts/check-postgres.js
bash scripts/chromium.sh
npm run --silent build
mkdir -p .cache && rm -f .cache/jest-results.json
status=0
npx jest --ci --json --outputFile=.cache/jest-results.json "$@" || status=$?
# One plain summary line for any CI that reads closing lines.
node -e '
  const r = require("./.cache/jest-results.json");
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' || true
exit "$status"
