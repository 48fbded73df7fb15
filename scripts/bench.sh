#!/usr/bin/env bash
# Benchmarks of the release build, printed as figures (never asserted):
#   - first-request latency of the login page right after `keel serve` is healthy (cold),
#   - warm latency (p50/p95 over N requests) of the login page and of the signed-in pipeline page,
#   - sizes of the release wasm bundle (raw, gzip, brotli as served).
# Usage: scripts/bench.sh [N]   (run scripts/build.sh first; uses the test Postgres cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200}"
source scripts/bench/common.sh
db="keel_bench_$$"
DATABASE_URL=$(db_url "$db")
export DATABASE_URL
"$KEEL" seed-demo >/dev/null
serve
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  psql "${base_url}" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

ms() { awk '{printf "%.2f", $1 * 1000}'; }
first=$(curl -s -o /dev/null -w '%{time_total}' "$url/login" | ms)

percentiles() { # reads seconds, one per line
  sort -n | awk '{a[NR]=$1} END {printf "p50 %.2f ms, p95 %.2f ms, max %.2f ms (n=%d)\n", a[int(NR*0.5)]*1000, a[int(NR*0.95)]*1000, a[NR]*1000, NR}'
}
login_warm=$(for _ in $(seq "$N"); do curl -s -o /dev/null -w '%{time_total}\n' "$url/login"; done | percentiles)

cookie=$(sign_in admin@keel.demo)
pipeline_warm=$(for _ in $(seq "$N"); do curl -s -o /dev/null -w '%{time_total}\n' -H "cookie: $cookie" "$url/pipeline"; done | percentiles)

wasm=$(ls "$KEEL_SITE_ROOT"/pkg/keel*.wasm | head -1)  # named after its hash in a release build
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$( [ -f "$wasm.br" ] && stat -c %s "$wasm.br" || echo "n/a")

echo "login page, first request after start: ${first} ms"
echo "login page, warm: $login_warm"
echo "pipeline page (signed in, SSR + database), warm: $pipeline_warm"
echo "release wasm: raw $raw B, gzip -9 $gz B, brotli (served) $br B"
