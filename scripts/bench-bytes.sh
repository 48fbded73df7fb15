#!/usr/bin/env bash
# The code each page loads, in bytes as served (brotli), from the release build in the site folder
# (run scripts/build.sh first): the main files every page behind sign-in loads (wasm, script,
# stylesheet, chunk loader), then each lazy part's chunks, alone and with the main files.
# The sign-in page loads its stylesheet alone (it is plain forms: no code).
# Usage: scripts/bench-bytes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
pkg="${LEPTOS_SITE_ROOT:-target/site}/pkg"
node - "$pkg" <<'JS'
const fs = require('fs');
const path = require('path');
const pkg = process.argv[2];
const size = (file) => fs.statSync(path.join(pkg, file + '.br')).size;
const files = fs.readdirSync(pkg);
const main = files.filter((f) => /^keel\.[^.]+\.(wasm|js|css)$/.test(f) || /^__wasm_split\..*\.js$/.test(f));
const css = files.find((f) => /^keel\.[^.]+\.css$/.test(f));
const mainBytes = main.reduce((sum, f) => sum + size(f), 0);
const row = (name, n, bytes, total) =>
  console.log(`${name.padEnd(24)} ${String(n).padStart(6)} ${String(bytes).padStart(10)} ${String(total).padStart(10)}`);
console.log(`${'page'.padEnd(24)} ${'files'.padStart(6)} ${'own B'.padStart(10)} ${'total B'.padStart(10)}`);
row('/login (stylesheet)', 1, size(css), size(css));
row('main (every other page)', main.length, mainBytes, mainBytes);
const manifestFile = path.join(pkg, '__wasm_split_manifest.json');
const manifest = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')) : {};
for (const [part, chunks] of Object.entries(manifest).sort()) {
  const own = chunks.reduce((sum, c) => sum + size(c + '.wasm'), 0);
  const name = part.replace(/^__/, '').replace(/_route_view_\d+$/, '');
  row(`+ ${name}`, main.length + chunks.length, own, mainBytes + own);
}
JS
