#!/usr/bin/env bash
# `npm test` runs this first: the browser and cleanup suites start a real Chromium and a real
# PostgreSQL, and a missing one must fail the run at once with the command that installs them,
# never skip those suites. Checks only; `npm run test:all` installs (scripts/ci-*.sh).
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
bash scripts/ci-chromium.sh --check >/dev/null 2>&1 || missing+=("Chromium (/usr/bin/chromium)")
bash scripts/ci-postgres.sh --check >/dev/null 2>&1 || missing+=("PostgreSQL (initdb, pg_ctl, postgres)")
if (( ${#missing[@]} > 0 )); then
  joined="$(printf '%s and ' "${missing[@]}")"
  echo "npm test: ${joined% and } not installed: run \`npm run test:all\`, which installs what is missing (apt-get, as root) and runs the tests" >&2
  exit 1
fi
