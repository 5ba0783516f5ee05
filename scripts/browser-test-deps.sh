#!/usr/bin/env bash
# Installs what tests/browser/run.sh needs, from Debian's packages, when it is missing:
# Chromium and Node 18 or later (with npm).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
    need+=(nodejs)
fi
command -v npm >/dev/null || need+=(npm)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >&2
fi
/usr/bin/chromium --version >&2
node --version >&2
