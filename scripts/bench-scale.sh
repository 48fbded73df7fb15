#!/usr/bin/env bash
# Customers at scale: generates 1M contacts, 100k companies, 200k leads and 5M timeline entries
# through COPY (once; the database is kept for later runs), then prints p50/p95 of
#   - the contacts list's first page, a search by name fragment (Latin and Chinese), a search by
#     phone digits, and a contact's detail page with 500 timeline entries, at the server (HTTP on
#     loopback, warm), and
#   - the same SQL run alone through pgbench, for comparison.
# Usage: scripts/bench-scale.sh [requests per case]   (run scripts/build.sh first)
# Sizes: KEEL_BENCH_CONTACTS etc. override the defaults; KEEL_BENCH_FRESH=1 regenerates.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100}"
source scripts/bench/common.sh
db=keel_scale
DATABASE_URL=$(db_url "$db")
export DATABASE_URL
CONTACTS="${KEEL_BENCH_CONTACTS:-1000000}"

if [ "${KEEL_BENCH_FRESH:-}" = 1 ]; then psql "$base_url" -qc "DROP DATABASE IF EXISTS $db" >/dev/null; fi
psql "$base_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 || psql "$base_url" -qc "CREATE DATABASE $db"
"$KEEL" seed-demo >/dev/null
have=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM contacts")
if [ "$have" -lt "$CONTACTS" ]; then
  echo "==> generating (once)"
  /usr/bin/time -f "seed-bulk wall time: %e s, max RSS %M KB" "$KEEL" seed-bulk --tickets 0 --replies 0 --contacts "$CONTACTS" \
    --companies "${KEEL_BENCH_COMPANIES:-100000}" --leads "${KEEL_BENCH_LEADS:-200000}" --timeline "${KEEL_BENCH_TIMELINE:-5000000}"
fi
psql "$DATABASE_URL" -tAc "SELECT 'rows: ' || (SELECT count(*) FROM contacts) || ' contacts, ' || (SELECT count(*) FROM companies) || ' companies, ' || (SELECT count(*) FROM leads) || ' leads, ' || (SELECT count(*) FROM activities) || ' timeline entries'"
# The contact with the most timeline entries (the generator gives one 500).
busy=$(psql "$DATABASE_URL" -tAc "SELECT contact_id FROM activities WHERE contact_id IS NOT NULL GROUP BY contact_id ORDER BY count(*) DESC LIMIT 1")

serve
trap 'stop_server' EXIT
cookie=$(sign_in admin@keel.demo)

list() { # name, search term (URL-encoded), SQL search condition
  local f plan scan=on count limit=10001 order="lower(r.full_name)" dir=ASC
  f=$(mktemp --suffix=.sql)
  # The plan the server picks (records::db::page): a search counts through its indexes first;
  # many matches walk the name order, few are fetched and sorted.
  plan="enable_seqscan = on"
  if [ -n "$3" ]; then
    scan=off limit=5001 order="r.created_at" dir=DESC
    count=$(psql "$DATABASE_URL" -tAc "SET enable_seqscan = off; SELECT count(*) FROM (SELECT 1 FROM contacts r WHERE r.deleted_at IS NULL $3 LIMIT 5001) c" | tail -1)
    if [ "$count" -gt 5000 ]; then plan="enable_bitmapscan = off"; else plan="enable_indexscan = off"; fi
  fi
  sed -e "s/__SEARCH__/$3/g" -e "s/__PLAN__/$plan/" -e "s/__COUNTSCAN__/$scan/" -e "s/__LIMIT__/$limit/" -e "s/__ORDER__/$order/g" -e "s/__DIR__/$dir/g" scripts/bench/list.sql >"$f"
  http "$1" -H "cookie: $cookie" -H 'sec-fetch-site: same-origin' --data "query[q]=$2" "$url/api/list_contacts"
  sql "$f"
  rm -f "$f"
}
echo "==> $N warm requests per case"
list "contacts list, first page" "" ""
list "search by name fragment 'mill'" "mill" "AND r.search_doc LIKE '%mill%'"
list "search by Chinese name '王伟'" "%E7%8E%8B%E4%BC%9F" "AND r.search_bigrams @> ARRAY['王伟']"
list "search by phone '0013 8'" "0013%208" "AND r.search_doc LIKE '%00138%'"
# The page's SQL: the contact, the first page of its timeline, and its deals (with the contact's
# visibility in the same statement); the function's: the timeline page alone.
f=$(mktemp --suffix=.sql) t=$(mktemp --suffix=.sql)
sed "s/__ID__/$busy/g" scripts/bench/detail.sql >"$f"
sed -n 2p "$f" >"$t"
http "contact page, 500 timeline entries" -H "cookie: $cookie" "$url/contacts/$busy"
sql "$f"
http "  its timeline server function" -H "cookie: $cookie" -H 'sec-fetch-site: same-origin' \
  --data "about=contact&id=$busy" "$url/api/timeline"
sql "$t"
rm -f "$f" "$t"

# Export throughput: every contact as CSV, streamed; the server's peak memory before and after.
hwm() { awk '/VmHWM/ {print $2 / 1024}' "/proc/$pid/status"; }
before=$(hwm)
read -r secs bytes < <(curl -s -H "cookie: $cookie" -o /dev/null -w '%{time_total} %{size_download}\n' "$url/export/contacts.csv")
rows=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM contacts WHERE deleted_at IS NULL")
awk -v s="$secs" -v b="$bytes" -v r="$rows" -v m0="$before" -v m1="$(hwm)" 'BEGIN {
  printf "export of all %d contacts (CSV)    %.1f s, %.0f MB, %.0f rows/s; server peak memory %.0f -> %.0f MB\n", r, s, b / 1e6, r / s, m0, m1 }'
