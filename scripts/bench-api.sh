#!/usr/bin/env bash
# The public API under load with a token: GET of one contact and of a list page (50 contacts),
# with wrk (Debian's, installed if missing) at 1 and 32 connections for D seconds each, on a
# fresh demo database with 2,000 more contacts; then the same SQL alone through pgbench at the
# same concurrency (the token's lookup and the record's read; the list's capped count and page).
# Prints requests per second and p50/p95.
# Usage: scripts/bench-api.sh [seconds per case (10)]   (run scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
D="${1:-10}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
source scripts/bench/common.sh
fresh_demo_db keel_api_bench
add_contacts 2000
token=$("$KEEL" create-token --email admin@keel.demo --grants all=read --name bench)
# The limiter still runs on every request; its budget is lifted so that it never answers 429.
export KEEL_API_RATE=100000000
serve
tmp=$(mktemp -d)
trap 'stop_server; rm -rf "$tmp"' EXIT
id=$(psql "$DATABASE_URL" -tAc "SELECT id FROM contacts WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 1")
cat >"$tmp/run.lua" <<LUA
wrk.headers["authorization"] = "Bearer $token"
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, errors))
end
LUA
load() { # name, connections, URL
  local out
  out=$(wrk -t "$(($2 < 2 ? 1 : 2))" -c "$2" -d "${D}s" --latency -s "$tmp/run.lua" "$3" | grep '^RESULT')
  read -r _ rps p50 p95 errors <<<"$out"
  [ "$errors" = 0 ] || { echo "bench-api: $1: $errors failed requests" >&2; exit 1; }
  printf '%-40s %3d conn  %8.1f req/s  p50 %7.2f ms  p95 %7.2f ms\n' "$1" "$2" "$rps" "$p50" "$p95"
}
alone() { # name, connections, SQL file
  local log out
  log=$(mktemp -d)
  out=$(cd "$log" && "$PGBENCH" -n -c "$2" -j 2 -T "$D" -f "$3" -l "$DATABASE_URL" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  printf '%-40s %3d conn  %8.1f tx/s   %s\n' "$1" "$2" "$out" "$(cat "$log"/pgbench_log.* | awk '{print $3 / 1000}' | percentiles)"
  rm -rf "$log"
}
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
cat >"$tmp/get.sql" <<SQL
SELECT t.id, t.scopes, t.last_used_at, u.id, u.email, u.display_name, u.role, u.locale FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_hash = '\\x$hash'::bytea AND t.revoked_at IS NULL AND t.expires_at > now() AND u.active;
$(sed -e "s/__ID__/$id/g" scripts/bench/detail.sql | head -1)
SQL
{ head -1 "$tmp/get.sql"
  sed -e "s/__SEARCH__//g" -e "s/__PLAN__/enable_seqscan = on/" -e "s/__COUNTSCAN__/on/" -e "s/__LIMIT__/10001/" \
    -e "s/__ORDER__/lower(r.full_name)/g" -e "s/__DIR__/ASC/g" scripts/bench/list.sql; } >"$tmp/list.sql"
echo "==> $(psql "$DATABASE_URL" -tAc 'SELECT count(*) FROM contacts WHERE deleted_at IS NULL') contacts; ${D} s a case"
for c in 1 32; do
  load "GET /api/v1/contacts/{id}" "$c" "$url/api/v1/contacts/$id"
  alone "  its SQL alone (token, contact)" "$c" "$tmp/get.sql"
  load "GET /api/v1/contacts?limit=50" "$c" "$url/api/v1/contacts?limit=50"
  alone "  its SQL alone (token, count, page)" "$c" "$tmp/list.sql"
done
