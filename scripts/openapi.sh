#!/usr/bin/env bash
# Writes the admin API's OpenAPI document (built in-process from the controllers: no server,
# Postgres nor Kafka needed), generates the typed client's types from it, and lints it with
# spectral's OpenAPI rules. Both files are committed; a test fails when they lag the code.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DOCUMENT=apps/admin-api/openapi/openapi.json
TYPES=apps/admin-api/openapi/schema.d.ts

npm run --silent build
node dist/apps/admin-api/src/write-openapi.js "$DOCUMENT"
npx openapi-typescript "$DOCUMENT" --output "$TYPES"
npx spectral lint "$DOCUMENT" --fail-severity=hint
