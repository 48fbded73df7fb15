#!/usr/bin/env bash
# Installs what Keel needs on Debian 12 (run as root), skipping whatever is already present:
# Debian's postgresql, chromium and fonts-noto-cjk (so Chinese shows in the browser tests'
# screenshots), the pinned Rust toolchain with its wasm target, wasm-opt, the end-to-end npm
# packages, and Schemathesis (PyPI) for the API's fuzz run. wasm-bindgen and the route splitter
# are libraries of scripts/site-build (build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step() { echo "==> $*"; }

missing=()
for pkg in postgresql postgresql-contrib chromium fonts-noto-cjk pkg-config build-essential ca-certificates curl python3-venv; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node may come from elsewhere (with its own npm); only install Debian's when there is none.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  step "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then echo "setup: run as root to install ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v rustup >/dev/null; then
  echo "setup: rustup is required (it installs the toolchain pinned in rust-toolchain.toml)" >&2
  exit 1
fi
step "Rust toolchain (rust-toolchain.toml)"
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

if [ ! -x "$KEEL_CACHE/tools/node_modules/.bin/wasm-opt" ]; then
  step "wasm-opt (npm binaryen)"
  mkdir -p "$KEEL_CACHE/tools"
  npm install --silent --no-audit --no-fund --prefix "$KEEL_CACHE/tools" binaryen@132.0.0
fi

# Schemathesis fuzzes the public API against its OpenAPI document (scripts/api-fuzz.sh).
if [ ! -x "$KEEL_CACHE/tools/py/bin/st" ]; then
  step "Schemathesis (PyPI)"
  mkdir -p "$KEEL_CACHE/tools"
  /usr/bin/python3 -m venv "$KEEL_CACHE/tools/py"
  "$KEEL_CACHE/tools/py/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
fi

if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/lighthouse ]; then
  step "end-to-end test packages"
  (cd end2end && npm ci --silent --no-audit --no-fund)
fi
