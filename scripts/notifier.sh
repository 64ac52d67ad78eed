#!/usr/bin/env bash
# Runs the notifier (apps/notifier) in the foreground against what `npm start` brought up: the
# local broker (as the read-only principal ledger-subscriber, unless KAFKA_BROKERS and
# KAFKA_SASL_USERNAME/PASSWORD are given) and the ledger's database, whose migrations made the
# notifier's schema. NOTIFIER_API_KEY is taken from the environment, else made once and kept in
# .cache/run/notifier.env. Ctrl-C stops it cleanly.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUN_DIR="$ROOT/.cache/run"
mkdir -p "$RUN_DIR"

if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
  credentials="${KAFKA_HOME:-$ROOT/.cache/kafka/${KAFKA_PORT:-9092}}/credentials.env"
  if [[ -z "${KAFKA_SASL_PASSWORD:-}" && -f "$credentials" ]]; then
    # shellcheck source=/dev/null
    source "$credentials"
    export KAFKA_SASL_USERNAME="${KAFKA_SUBSCRIBER_USERNAME:-ledger-subscriber}"
    export KAFKA_SASL_PASSWORD="${KAFKA_SUBSCRIBER_PASSWORD:-}"
  fi
fi

# The notifier's tables are in the `notifier` schema, which only its own role ledger_notifier may
# use (rows only: no ledger schema, no DDL, no deletes). By default it connects as that role, with
# the password `npm start` made in .cache/run/db.env.
if [[ -z "${NOTIFIER_DATABASE_URL:-}" ]]; then
  if [[ -f "$RUN_DIR/db.env" ]]; then
    set -a
    # shellcheck source=/dev/null
    source "$RUN_DIR/db.env"
    set +a
  fi
  NOTIFIER_DATABASE_URL="$(node scripts/db-roles.js url ledger_notifier)"
  export NOTIFIER_DATABASE_URL
fi

if [[ -z "${NOTIFIER_API_KEY:-}" ]]; then
  if [[ ! -f "$RUN_DIR/notifier.env" ]]; then
    (umask 077 && echo "NOTIFIER_API_KEY=$(node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64url"))')" >"$RUN_DIR/notifier.env")
  fi
  # shellcheck source=/dev/null
  source "$RUN_DIR/notifier.env"
  export NOTIFIER_API_KEY
  echo "[notifier] API key in .cache/run/notifier.env" >&2
fi

# Run by hand next to a local stack, it may deliver to receivers on this machine; a deployed
# notifier reaches only public addresses unless NOTIFIER_ALLOWED_NETWORKS opens others.
export NOTIFIER_ALLOWED_NETWORKS="${NOTIFIER_ALLOWED_NETWORKS-127.0.0.0/8,::1/128}"
if [[ ! -f dist/apps/notifier/src/main.js ]]; then npm run --silent build; fi
echo "[notifier] listening on http://127.0.0.1:${NOTIFIER_PORT:-3003}" >&2
exec node dist/apps/notifier/src/main.js
