#!/usr/bin/env bash
# Makes sure the browser the end-to-end tests drive is here: Debian's Chromium at /usr/bin/chromium
# (or CHROMIUM_PATH). Installs it with apt when run as root; otherwise says what to install.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$browser" ]]; then exit 0; fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "[chromium] installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "[chromium] $browser not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH" >&2
exit 1
