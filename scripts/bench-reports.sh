#!/usr/bin/env bash
# Reports at scale: 1M contacts, 100k companies, 5M timeline entries and 200k deals with their
# stage history (seed-bulk, once; the database is kept for later runs, and the deals are made once:
# a count in app_meta), then p50/p95 of each report (the `read_report` server function, POST
# /api/report) for its default period and for this_year, and of the dashboard (POST /api/dashboard),
# at the server (HTTP on loopback, warm, signed in as the manager),
# and beside it what the same request costs in Postgres alone; then funnel and win rate as a sales
# rep (their team's deals).
#
# The "sql" figure: a second server on the same database whose connections log every statement's
# duration (log_min_duration_statement = 0, set as a connection option, so no other session and no
# other database logs anything) serves the same request N more times, one at a time; for each, the
# durations Postgres logged for it (parse, bind and execute of every statement, session bookkeeping
# left out) are summed. That is the time Postgres spent on the request's SQL, without the round
# trips, the decoding and the serialising in the server; statements run side by side are summed,
# so it may exceed the request's own time. "stmts" is how many statements one request ran.
# Usage: scripts/bench-reports.sh [requests per case]   (run scripts/build.sh first)
# KEEL_BENCH_CONTACTS / _COMPANIES / _TIMELINE / _DEALS override the sizes; KEEL_BENCH_FRESH=1
# regenerates.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-30}"
source scripts/bench/common.sh
db=keel_reports
DATABASE_URL=$(db_url "$db")
export DATABASE_URL
CONTACTS="${KEEL_BENCH_CONTACTS:-1000000}"
DEALS="${KEEL_BENCH_DEALS:-200000}"
PGLOG="$KEEL_DATA_DIR/postgres.log"

if [ "${KEEL_BENCH_FRESH:-}" = 1 ]; then psql "$base_url" -qc "DROP DATABASE IF EXISTS $db" >/dev/null; fi
psql "$base_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 || psql "$base_url" -qc "CREATE DATABASE $db"
# Also applies the migrations (0023 adds the reports' indexes and companies.last_contacted_at).
"$KEEL" seed-demo >/dev/null
have=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM contacts")
made=$(psql "$DATABASE_URL" -tAc "SELECT coalesce((SELECT value FROM app_meta WHERE key = 'bulk_deals'), '0')")
if [ "$have" -lt "$CONTACTS" ]; then
  echo "==> generating (once)"
  /usr/bin/time -f "seed-bulk wall time: %e s, max RSS %M KB" "$KEEL" seed-bulk --contacts "$CONTACTS" \
    --companies "${KEEL_BENCH_COMPANIES:-100000}" --leads 0 --timeline "${KEEL_BENCH_TIMELINE:-5000000}" \
    --tickets 0 --replies 0 --deals "$DEALS"
elif [ "$made" -lt "$DEALS" ]; then
  # The customers are there (from an earlier run): add only the deals.
  echo "==> generating the deals (once)"
  /usr/bin/time -f "seed-bulk wall time: %e s, max RSS %M KB" "$KEEL" seed-bulk --contacts 0 --companies 0 \
    --leads 0 --timeline 0 --tickets 0 --replies 0 --deals "$DEALS"
fi
# What autovacuum would have done by the time anyone reads reports (visibility maps for
# index-only scans, statistics); quick when nothing changed since the last run.
psql "$DATABASE_URL" -qc "VACUUM (ANALYZE) deals, deal_stage_history, activities, companies, contacts" >/dev/null
psql "$DATABASE_URL" -tAc "SELECT 'rows: ' || (SELECT count(*) FROM contacts) || ' contacts, ' || (SELECT count(*) FROM companies) || ' companies, '
  || (SELECT count(*) FROM activities) || ' timeline entries, ' || count(*) || ' deals (' || count(*) FILTER (WHERE status = 'open') || ' open, '
  || count(*) FILTER (WHERE status = 'won') || ' won, ' || count(*) FILTER (WHERE status = 'lost') || ' lost), '
  || (SELECT count(*) FROM deal_stage_history) || ' stage history rows' FROM deals"

# Server A answers the timed requests; server B, with its statements logged, the SQL's.
plain_url=$DATABASE_URL
serve
url_a=$url pid_a=$pid
DATABASE_URL="$plain_url&options[log_min_duration_statement]=0" KEEL_BREACH_SCAN_SECS=86400
export DATABASE_URL KEEL_BREACH_SCAN_SECS
serve
url_b=$url pid_b=$pid
export DATABASE_URL=$plain_url
unset KEEL_BREACH_SCAN_SECS
body=$(mktemp) costs=$(mktemp)
trap 'kill $pid_a $pid_b 2>/dev/null || true; wait $pid_a $pid_b 2>/dev/null || true; rm -f "$body" "$costs"' EXIT
url=$url_a
manager_a=$(sign_in manager@keel.demo)
sales_a=$(sign_in sales@keel.demo)
url=$url_b
manager_b=$(sign_in manager@keel.demo)
sales_b=$(sign_in sales@keel.demo)

# Sums the durations the log got since byte $1: prints "milliseconds statements".
logged() {
  tail -c +$(($1 + 1)) "$PGLOG" | awk '
    function flush() {
      if (rec ~ /LOG:  duration: [0-9.]+ ms/ && rec !~ /sessions/) {
        match(rec, /LOG:  duration: [0-9.]+ ms/)
        split(substr(rec, RSTART + 16), d, " ")
        ms += d[1]
        if (rec ~ /ms  execute / || (rec ~ /ms  statement: / && rec !~ /statement: (BEGIN|COMMIT|ROLLBACK)/)) n++
      }
      rec = ""
    }
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9:.]+ [^ ]+ \[[0-9]+\] / { flush() }
    { rec = rec "\n" $0 }
    END { flush(); printf "%.3f %d\n", ms, n }'
}
sql_cost() { # cookie (server B's), path, data
  local i off
  : >"$costs"
  for i in $(seq $((N + 2))); do
    off=$(stat -c %s "$PGLOG")
    curl -s -o /dev/null -H "cookie: $1" -H 'sec-fetch-site: same-origin' --data "$3" "$url_b$2"
    sleep 0.05 # the log line of the last statement may follow its rows
    logged "$off" >>"$costs"
  done
  # The first two fill the connections' statement caches.
  printf '   sql %s, %s stmts' "$(tail -n "$N" "$costs" | awk '{print $1}' | percentiles)" \
    "$(tail -n "$N" "$costs" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int(NR*0.5)+0]}')"
}
case_() { # name, cookie A, cookie B, path, data
  local code name
  printf -v name '%-42s' "$1"
  code=$(curl -s -o "$body" -w '%{http_code}' -H "cookie: $2" -H 'sec-fetch-site: same-origin' --data "$5" "$url_a$4")
  # The dashboard's function may not exist yet (an unknown function is not a 200).
  if [ "$code" != 200 ] && [ "$4" = /api/dashboard ]; then echo "$name n/a (HTTP $code)"; return; fi
  if [ "$code" != 200 ]; then echo "$name HTTP $code: $(head -c 300 "$body")"; return; fi
  http "$name" -H "cookie: $2" -H 'sec-fetch-site: same-origin' --data "$5" "$url_a$4"
  sql_cost "$3" "$4" "$5"
  awk -v b="$(stat -c %s "$body")" 'BEGIN {printf "   answer %.1f KB\n", b / 1024}'
}
# The period a report opens with (ReportKind::default_preset).
default_period() {
  case $1 in
    revenue | targets | new-customers) echo this_year ;;
    activities) echo this_month ;;
    *) echo this_quarter ;;
  esac
}
report() { # kind (as in the URL), who, cookie A, cookie B
  local arg=${1//-/_} # the server function's argument: serde's snake_case
  case_ "$1$2, $(default_period "$1") (default)" "$3" "$4" /api/report "kind=$arg&query[period]="
  case_ "$1$2, this_year" "$3" "$4" /api/report "kind=$arg&query[period]=this_year"
}

echo "==> $N warm requests per case, as the manager (all deals)"
for kind in funnel forecast win-rate cycle velocity lost-reasons revenue activities new-customers rankings targets; do
  report "$kind" "" "$manager_a" "$manager_b"
done
case_ "dashboard" "$manager_a" "$manager_b" /api/dashboard ""
echo "==> as a sales rep (sales@keel.demo: team East's deals)"
report funnel " (sales)" "$sales_a" "$sales_b"
report win-rate " (sales)" "$sales_a" "$sales_b"
