#!/usr/bin/env bash
# The browser test (see browser.test.js): installs its one npm package from package-lock.json,
# then runs Node's test runner against the debug build of `leerroute`. Needs Debian's
# `chromium` (.ci/run installs it) and Node 18 or later. Screenshots go to target/browser/.
#   LEERROUTE_BIN   the binary to test (default: target/debug/leerroute)
#   CHROMIUM        the browser (default: /usr/bin/chromium)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export LEERROUTE_BIN="${LEERROUTE_BIN:-$root/target/debug/leerroute}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export SCREENSHOTS="${SCREENSHOTS:-$root/target/browser}"
mkdir -p "$SCREENSHOTS"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
node --test --test-reporter=spec browser.test.js
