#!/usr/bin/env bash
# The service desk at scale: 1M tickets and 5M messages (seed-bulk, once; the database is kept for
# later runs), then p50/p95 of each queue's first page (the `list_tickets` server function) and of a
# ticket with 200 messages (its page, and its `get_ticket` function), at the server (HTTP on
# loopback, warm, signed in as the support agent), and the same SQL run alone through pgbench;
# then the breach scan, with 2000 new breaches and with none.
# Usage: scripts/bench-desk.sh [requests per case]   (run scripts/build.sh first)
# KEEL_BENCH_TICKETS / KEEL_BENCH_REPLIES override the sizes; KEEL_BENCH_FRESH=1 regenerates.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100}"
source scripts/bench/common.sh
db=keel_desk
DATABASE_URL=$(db_url "$db")
export DATABASE_URL
TICKETS="${KEEL_BENCH_TICKETS:-1000000}"

if [ "${KEEL_BENCH_FRESH:-}" = 1 ]; then psql "$base_url" -qc "DROP DATABASE IF EXISTS $db" >/dev/null; fi
psql "$base_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 || psql "$base_url" -qc "CREATE DATABASE $db"
"$KEEL" seed-demo >/dev/null
have=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM tickets")
if [ "$have" -lt "$TICKETS" ]; then
  echo "==> generating (once)"
  /usr/bin/time -f "seed-bulk wall time: %e s, max RSS %M KB" "$KEEL" seed-bulk --contacts 100000 --companies 10000 \
    --leads 0 --timeline 0 --tickets "$TICKETS" --replies "${KEEL_BENCH_REPLIES:-5000000}"
fi
psql "$DATABASE_URL" -tAc "SELECT 'rows: ' || (SELECT count(*) FROM tickets) || ' tickets (' || (SELECT count(*) FROM tickets WHERE status NOT IN ('resolved', 'closed')) || ' open), ' || (SELECT count(*) FROM ticket_messages) || ' messages'"
# The generated history's breaches are past news (else the server's breach scan would tell them
# while the queues are timed).
psql "$DATABASE_URL" -qc "UPDATE tickets SET breach_noted_at = due_at WHERE due_at <= now() AND breach_noted_at IS DISTINCT FROM due_at" >/dev/null
busy=$(psql "$DATABASE_URL" -tAc "SELECT ticket_id FROM ticket_messages GROUP BY ticket_id ORDER BY count(*) DESC LIMIT 1")
me=$(psql "$DATABASE_URL" -tAc "SELECT id FROM users WHERE email = 'support@keel.demo'")

serve
trap 'stop_server' EXIT
cookie=$(sign_in support@keel.demo)

due="coalesce(t.due_at, 'infinity'::timestamptz)"
open="AND t.status NOT IN ('resolved', 'closed')"
queue() { # queue key, SQL condition, order
  local f
  f=$(mktemp --suffix=.sql)
  sed -e "s/__COND__/$2/" -e "s/__ORDER__/$3/" scripts/bench/queue.sql >"$f"
  http "queue '$1', first page" -H "cookie: $cookie" -H 'sec-fetch-site: same-origin' --data "query[queue]=$1" "$url/api/list_tickets"
  sql "$f"
  rm -f "$f"
}
echo "==> $N warm requests per case"
queue open "$open" "$due, t.number"
queue mine "$open AND t.assignee_id = '$me'" "$due, t.number"
queue unassigned "$open AND t.assignee_id IS NULL" "$due, t.number"
queue breaching "$open AND $due > now() AND $due <= now() + interval '1 hour'" "$due, t.number"
queue breached "$open AND $due <= now()" "$due, t.number"
queue waiting "AND t.status IN ('waiting_customer', 'waiting_third_party')" "t.number"
queue done "AND t.status IN ('resolved', 'closed')" "t.number DESC"
f=$(mktemp --suffix=.sql)
sed "s/__ID__/$busy/g" scripts/bench/ticket.sql >"$f"
http "ticket page, 200 messages" -H "cookie: $cookie" "$url/tickets/$busy"
echo
http "  its get_ticket function" -H "cookie: $cookie" -H 'sec-fetch-site: same-origin' --data "id=$busy" "$url/api/get_ticket"
sql "$f"
rm -f "$f"
# A sales rep reads only their customers' tickets: the scope is a condition on each ticket's contact.
sales=$(sign_in sales2@keel.demo)
http "queue 'open' as a sales rep" -H "cookie: $sales" -H 'sec-fetch-site: same-origin' --data "query[queue]=open" "$url/api/list_tickets"
echo

# The breach scan (what the server runs every KEEL_BREACH_SCAN_SECS): 2000 of the open assigned
# overdue tickets made new breaches again; a run that tells them (in batches of 500), and a run
# with nothing new.
stop_server
psql "$DATABASE_URL" -qc "UPDATE tickets SET breach_noted_at = NULL WHERE id IN (SELECT id FROM tickets WHERE deleted_at IS NULL AND status NOT IN ('resolved', 'closed') AND assignee_id IS NOT NULL AND due_at <= now() LIMIT 2000)" >/dev/null
psql "$DATABASE_URL" -qc "VACUUM ANALYZE tickets" >/dev/null
echo "==> breach scan, 2000 new breaches among $(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM tickets") tickets"
"$KEEL" breach-scan
echo "==> breach scan, nothing new"
"$KEEL" breach-scan
