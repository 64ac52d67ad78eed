#!/usr/bin/env bash
# Validates docker-compose.yml without Docker: with every secret made (scripts/compose-env.sh into
# a throwaway file) it must be clean, and with none it must refuse (no secret has a default).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
bash scripts/compose-env.sh "$scratch/.env" 2>/dev/null
docker-compose --env-file "$scratch/.env" config -q
: >"$scratch/empty.env"
if docker-compose --env-file "$scratch/empty.env" config -q 2>/dev/null; then
  echo "docker-compose.yml accepted a configuration without secrets" >&2
  exit 1
fi
echo "[compose] docker-compose.yml is valid, and refuses to run without its secrets" >&2
