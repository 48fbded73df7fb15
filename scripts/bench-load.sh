#!/usr/bin/env bash
# Pages under load: the signed-in contacts list rendered on the server (GET /contacts), the same
# list's server function (POST /api/list_contacts, the call the page makes when it is already
# open) and /healthz, each with wrk (Debian's, installed if missing) at 1, 8 and 32 connections
# for D seconds, on a fresh demo database with 2,000 more contacts. Prints requests per second,
# latency p50/p99 and the ratios the targets are written in.
# Usage: scripts/bench-load.sh [seconds per case (10)]   (run scripts/build.sh first)
# KEEL_BENCH_PERF=1 also records the server under 32 connections on the list page with perf
# (`perf report -i <file>` afterwards; the file's path is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
D="${1:-10}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
source scripts/bench/common.sh
fresh_demo_db keel_load_bench
add_contacts 2000
serve
tmp=$(mktemp -d)
trap 'stop_server; rm -rf "$tmp"' EXIT
cookie=$(sign_in admin@keel.demo)
[ -n "$cookie" ] || { echo "bench-load: could not sign in" >&2; exit 1; }
cat >"$tmp/fn.lua" <<LUA
wrk.method = "POST"
wrk.body = "query%5Bq%5D="
wrk.headers["content-type"] = "application/x-www-form-urlencoded"
wrk.headers["sec-fetch-site"] = "same-origin"
wrk.headers["cookie"] = "$cookie"
LUA
cat >"$tmp/page.lua" <<LUA
wrk.headers["cookie"] = "$cookie"
wrk.headers["accept-encoding"] = "br, gzip"
LUA
cat >"$tmp/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
LUA
# name, connections, URL, lua: prints a line, and keeps requests/s in $rps.
load() {
  local out
  out=$(cat "$4" "$tmp/report.lua" >"$tmp/run.lua" && wrk -t "$(($2 < 2 ? 1 : 2))" -c "$2" -d "${D}s" --latency -s "$tmp/run.lua" "$3" | grep '^RESULT')
  read -r _ rps p50 p99 errors <<<"$out"
  [ "$errors" = 0 ] || { echo "bench-load: $1: $errors failed requests" >&2; exit 1; }
  printf '%-36s %3d conn  %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms\n' "$1" "$2" "$rps" "$p50" "$p99"
}
: >"$tmp/none.lua"
bytes=$(curl -s -o /dev/null -w '%{size_download}' -H "cookie: $cookie" -H 'accept-encoding: br' "$url/contacts")
echo "==> contacts list: $(psql "$DATABASE_URL" -tAc 'SELECT count(*) FROM contacts WHERE deleted_at IS NULL') contacts; page $bytes B (br); ${D} s a case"
declare -A at32
for c in 1 8 32; do
  load "list page (GET /contacts, SSR)" "$c" "$url/contacts" "$tmp/page.lua"
  [ "$c" != 32 ] || at32[page]=$rps
  load "list server fn (list_contacts)" "$c" "$url/api/list_contacts" "$tmp/fn.lua"
  [ "$c" != 32 ] || at32[fn]=$rps
  load "/healthz" "$c" "$url/healthz" "$tmp/none.lua"
  [ "$c" != 32 ] || at32[health]=$rps
done
awk -v p="${at32[page]}" -v f="${at32[fn]}" -v h="${at32[health]}" 'BEGIN {
  printf "at 32 connections: page / server fn = %.2f (target >= 0.5); server fn / healthz = %.2f (target >= 0.8)\n", p / f, f / h }'
if [ "${KEEL_BENCH_PERF:-0}" = 1 ]; then
  data="$KEEL_CACHE/perf-load.data"
  perf record -F 999 -g -p "$pid" -o "$data" -- sleep "$D" >/dev/null 2>&1 &
  perf_pid=$!
  load "list page under perf" 32 "$url/contacts" "$tmp/page.lua"
  wait "$perf_pid" || true
  echo "perf data: $data"
fi
