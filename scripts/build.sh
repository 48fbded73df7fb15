#!/usr/bin/env bash
# Release build: the `keel` server and the front end (wasm split by route, content-named files,
# precompressed) into target/site. The two build side by side in two target folders, so that
# neither waits for the other's lock; `scripts/site-build` does what cargo-leptos did after cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
front="$CARGO_TARGET_DIR/front"
export LEPTOS_OUTPUT_NAME=keel
# Type-erased views (Leptos's `erase_components`): the wasm is a third smaller and compiles in less
# than half the time. The server must be built the same way, or hydration meets other markers.
erase="--cfg erase_components"

RUSTFLAGS="$erase" cargo build --release -p server --bin keel --no-default-features &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT

cargo build --release -p site-build --target-dir "$front"
# --emit-relocs: the splitter needs the relocations to cut the wasm by route.
RUSTFLAGS="$erase -Clink-args=--emit-relocs" cargo build -p frontend --lib --no-default-features \
  --target wasm32-unknown-unknown --profile wasm-release --target-dir "$front"
"$front/release/site-build" "$front/wasm32-unknown-unknown/wasm-release/frontend.wasm" \
  "$LEPTOS_SITE_ROOT" style/main.css public "$CARGO_TARGET_DIR/release/hash.txt"

wait "$server"
trap - EXIT
