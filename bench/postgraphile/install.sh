#!/usr/bin/env bash
# Installs the PostGraphile servers that leerroute-bench measures beside Leerroute, at the
# versions pinned by the committed package-lock.json files, into DEST (default: target/postgraphile
# of the workspace): DEST/node (Node.js 22 from npm's `node` package), DEST/v4 and DEST/v5.
# A folder whose lock file is unchanged since its last install is left alone.
#   bench/postgraphile/install.sh [DEST]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-$here/../../target/postgraphile}
if ! command -v npm >/dev/null; then
  echo "installing npm from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2 && apt-get install -y npm >&2
fi
for part in node v4 v5; do
  mkdir -p "$dest/$part"
  if cmp -s "$here/$part/package-lock.json" "$dest/$part/.installed-lock.json"; then
    continue
  fi
  echo "installing $part into $dest/$part" >&2
  cp "$here/$part/package.json" "$here/$part/package-lock.json" "$dest/$part/"
  [ -f "$here/$part/graphile.config.mjs" ] && cp "$here/$part/graphile.config.mjs" "$dest/$part/"
  (cd "$dest/$part" && npm ci --no-audit --no-fund --loglevel=error >&2)
  cp "$here/$part/package-lock.json" "$dest/$part/.installed-lock.json"
done
echo "$dest"
