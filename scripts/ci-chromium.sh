#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium, for the browser verifier tests
# (test/browser/*.test.ts drive it with playwright-core; the browser download Playwright offers
# does not work here). Idempotent: does nothing when Chromium is already installed.
#
# On a clean Debian machine as root: apt-get update && apt-get install -y chromium.
# Exits non-zero if Chromium cannot be had, so CI fails here rather than in the tests.
# With --check: only says whether it is installed (exit 0) or not (exit 1); installs nothing.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
CHECK_ONLY=0
[[ "${1:-}" == "--check" ]] && CHECK_ONLY=1

if [[ -x "$CHROMIUM" ]]; then
  echo "ci-chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi
if (( CHECK_ONLY )); then
  echo "ci-chromium: $CHROMIUM is missing" >&2
  exit 1
fi
if [[ "$(id -u)" != "0" ]]; then
  echo "ci-chromium: $CHROMIUM is missing and this is not root: install the chromium package (apt-get install -y chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium
if [[ ! -x "$CHROMIUM" ]]; then
  echo "ci-chromium: apt-get installed chromium but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "ci-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
