#!/usr/bin/env bash
# Release build of the server and the wasm bundle into target/site.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo leptos build --release --precompress --split
