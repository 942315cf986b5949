#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, pg_ctl, postgres) are on this machine, for
# the cleanup tests (test/cleanup/postgres.test.ts). The tests start their own throwaway server
# on a free loopback port and stop it afterwards; this script only installs.
#
# On a clean Debian machine as root: apt-get update && apt-get install -y postgresql.
# The package also creates the `postgres` user that the tests run initdb as when they run as root.
# Prints the folder that holds the binaries. Exits non-zero if they cannot be had.
# With --check: only says whether they are installed (exit 0) or not (exit 1); installs nothing.
set -euo pipefail
CHECK_ONLY=0
[[ "${1:-}" == "--check" ]] && CHECK_ONLY=1

find_bin() {
  local d
  if [[ -n "${IMLADRI_PG_BIN:-}" && -x "${IMLADRI_PG_BIN}/initdb" && -x "${IMLADRI_PG_BIN}/pg_ctl" ]]; then
    echo "${IMLADRI_PG_BIN}"; return 0
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

if bin="$(find_bin)"; then
  echo "ci-postgres: PostgreSQL binaries in $bin"
else
  if (( CHECK_ONLY )); then
    echo "ci-postgres: PostgreSQL is not installed (no initdb/pg_ctl found)" >&2
    exit 1
  fi
  if [[ "$(id -u)" != "0" ]]; then
    echo "ci-postgres: PostgreSQL is not installed and this is not root: install the postgresql package" >&2
    exit 1
  fi
  echo "ci-postgres: installing PostgreSQL (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  bin="$(find_bin)" || { echo "ci-postgres: installed, but initdb/pg_ctl not found" >&2; exit 1; }
  echo "ci-postgres: PostgreSQL binaries in $bin"
fi

# As root the tests run initdb as the postgres user; it must exist.
if [[ "$(id -u)" == "0" ]] && ! id -u postgres >/dev/null 2>&1; then
  echo "ci-postgres: running as root but there is no postgres user (initdb refuses root)" >&2
  exit 1
fi
"$bin/postgres" --version
