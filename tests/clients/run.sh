#!/usr/bin/env bash
# The client suite (see clients.test.js): installs its npm packages from package-lock.json and
# Python `gql` (requirements.txt, pinned) into a virtual environment under target/, then runs
# Node's test runner against the debug build of `leerroute`, on SQLite and, when
# LEERROUTE_TEST_POSTGRES_URL is set, on PostgreSQL too. Needs Node 20 or later, npm, python3
# with venv, and psql for the PostgreSQL run.
#   LEERROUTE_BIN   the binary to test (default: target/debug/leerroute)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export LEERROUTE_BIN="${LEERROUTE_BIN:-$root/target/debug/leerroute}"
venv="$root/target/clients-venv"
if [ ! -x "$venv/bin/python" ]; then
    # Debian's python3 keeps venv in a package of its own.
    python3 -m venv "$venv" 2>/dev/null || {
        rm -rf "$venv"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >&2
        python3 -m venv "$venv"
    }
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
export CLIENTS_PYTHON="$venv/bin/python"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
node --test --test-reporter=spec clients.test.js
