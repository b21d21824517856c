#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the browser tests (idempotent).
# Installs it with apt when it is missing and we are root; otherwise says what to do and fails.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [[ -x "$CHROMIUM" ]]; then
  echo "ensure-chromium: $CHROMIUM present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')); nothing to do"
  exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
  echo "ensure-chromium: $CHROMIUM is missing and this is not root." >&2
  echo "  Install it with: sudo apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available (not Debian?)." >&2
  echo "  Install a chromium build and set CHROMIUM=/path/to/chromium." >&2
  exit 1
fi

echo "ensure-chromium: $CHROMIUM missing; installing Debian's chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update; then
  echo "ensure-chromium: apt-get update failed (no network or no package mirror?)" >&2
  exit 1
fi
if ! apt-get install -y --no-install-recommends chromium; then
  echo "ensure-chromium: apt-get install chromium failed" >&2
  exit 1
fi
if [[ ! -x "$CHROMIUM" ]]; then
  echo "ensure-chromium: chromium installed but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
