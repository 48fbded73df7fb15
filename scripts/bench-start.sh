#!/usr/bin/env bash
# Start-up figures of the installable app in Debian's Chromium: the pipeline page opened cold (a
# browser that never saw Keel: no HTTP cache, no service worker), warm (the worker in control, the
# app's files from its cache) and offline (the worker's app shell, the board from IndexedDB).
# Prints first contentful paint, time to interactive (the WASM app has hydrated or mounted the
# page), time until the board's first column shows, and the bytes that crossed the network, as
# medians of R runs (default 5).
# Usage: scripts/bench-start.sh [runs]   (run scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
source scripts/bench/common.sh
fresh_demo_db keel_start_bench
serve
trap 'stop_server' EXIT
cd end2end
KEEL_URL="$url" RUNS="$RUNS" node bench-start.mjs
