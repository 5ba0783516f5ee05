#!/usr/bin/env bash
# Rebuilds the vendored front-end files under api/assets/vendor/ from the exact packages of
# package-lock.json (npm ci, no install scripts), with their licences. The results are
# committed, so a build needs no npm; run this only to change a version:
#   edit package.json, `npm install --package-lock-only --ignore-scripts`, then this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
modules="$work/node_modules"

# copy PACKAGE FILE TARGET: one file of an installed package into vendor/<dir>/.
copy() {
    mkdir -p "$here/$3"
    cp "$modules/$1/$2" "$here/$3/$(basename "$2")"
}
version() { node -p "require('$modules/$1/package.json').version"; }

rm -rf "$here/react" "$here/graphiql" "$here/graphql-ws" "$here/echarts"
copy react umd/react.production.min.js react
copy react LICENSE react
copy react-dom umd/react-dom.production.min.js react
cp "$modules/react-dom/LICENSE" "$here/react/LICENSE-react-dom"
copy graphiql graphiql.min.js graphiql
copy graphiql graphiql.min.css graphiql
copy graphiql LICENSE graphiql
copy graphql-ws umd/graphql-ws.min.js graphql-ws
copy graphql-ws LICENSE.md graphql-ws
copy echarts dist/echarts.min.js echarts
copy echarts LICENSE echarts
copy echarts NOTICE echarts
copy echarts licenses/LICENSE-d3 echarts

# The bundles above include their packages' own dependencies: keep the licence text of every
# package the lock file installs in one file, and the exact versions in VERSIONS.
(cd "$work" && node - > "$here/THIRD-PARTY-LICENSES.txt") <<'JS'
const fs = require("fs"), path = require("path");
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
console.log("Licences of every npm package that package-lock.json installs: the vendored");
console.log("packages and the dependencies their bundles are built from.");
for (const dir of Object.keys(lock.packages).filter((p) => p).sort()) {
  const entry = lock.packages[dir];
  const name = dir.replace(/^.*node_modules\//, "");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const licence = files.sort().find((f) => /^(licen[cs]e|copying)/i.test(f));
  console.log(`\n==== ${name}@${entry.version} (${entry.license || "see text"})`);
  console.log(licence ? fs.readFileSync(path.join(dir, licence), "utf8").trimEnd() : "(no licence file in the package)");
}
JS

{
    for package in react react-dom graphiql graphql-ws echarts; do
        echo "$package $(version "$package")"
    done
} > "$here/VERSIONS"
echo "vendored: $(tr '\n' ' ' < "$here/VERSIONS")"
