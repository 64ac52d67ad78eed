#!/usr/bin/env bash
# Makes the secrets docker-compose.yml requires, once, into an env file (default .env, mode 600):
# the bootstrap API keys and the checkpoint key pair (scripts/keys.js), the database roles'
# passwords (scripts/db-roles.js), the Postgres superuser's password and the Kafka principals'
# passwords. A secret already in the file, or set in the environment, is kept.
#   bash scripts/compose-env.sh [FILE]      then  docker compose up --build
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="${1:-$ROOT/.env}"

node "$ROOT/scripts/keys.js" env "$FILE"
node "$ROOT/scripts/db-roles.js" passwords "$FILE"
for name in POSTGRES_PASSWORD KAFKA_ADMIN_PASSWORD KAFKA_RELAY_PASSWORD KAFKA_PROJECTOR_PASSWORD \
  KAFKA_AUDITOR_PASSWORD KAFKA_SUBSCRIBER_PASSWORD; do
  if [[ -z "${!name:-}" ]] && ! grep -q "^$name=" "$FILE"; then
    # URL-safe: the compose file puts passwords into connection URLs as they are.
    echo "$name=$(node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("base64url"))')" >>"$FILE"
  fi
done
chmod 600 "$FILE"
echo "[compose-env] secrets in $FILE" >&2
