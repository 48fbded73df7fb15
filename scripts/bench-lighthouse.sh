#!/usr/bin/env bash
# Lighthouse (npm, in end2end/) in Debian's Chromium, mobile profile, on /login, /pipeline,
# /contacts and a contact page, each from a cold start: performance score, FCP, time to
# interactive, total blocking time, LCP and bytes transferred, medians of R runs (default 3).
# A benchmark, not a test: it prints figures and fails only if Keel or Lighthouse does.
# Usage: scripts/bench-lighthouse.sh [runs]   (run scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
source scripts/bench/common.sh
fresh_demo_db keel_lighthouse_bench
serve
trap 'stop_server' EXIT
cd end2end
KEEL_URL="$url" RUNS="$RUNS" node bench-lighthouse.mjs
