#!/usr/bin/env bash
# The pipeline board under load, printed as figures (never asserted). On a fresh demo database
# with 5,000 more open deals in the main pipeline (1,000 per stage), it prints p50/p95/max of
#   - the server time of a move (`move_deal`, each to another stage between two cards),
#   - a move's event reaching a second signed-in client over `/api/events`,
#   - the signed-in board page (SSR), its size, the board and `column_page` server functions,
# and, in Chromium (Playwright), the board's first render and the frames of a pointer drag.
# Usage: scripts/bench-board.sh [moves (200)] [event moves (50)]   (run scripts/build.sh first)
# KEEL_BENCH_DEALS overrides the 5,000; KEEL_BENCH_BROWSER=0 skips the browser part;
# KEEL_BENCH_PAGES (default 19) is how many "more" pages the browser loads into the first column
# before a second drag (19 shows all of its 1,000 seeded cards).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200}"
M="${2:-50}"
DEALS="${KEEL_BENCH_DEALS:-5000}"
source scripts/bench/common.sh
db="keel_bench_board_$$"
DATABASE_URL=$(db_url "$db")
export DATABASE_URL
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  psql "$base_url" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$KEEL" seed-demo >/dev/null

# The deals: the main pipeline (the board's default), spread evenly over its stages, with ranks
# that are fixed-width base-62 keys of the row number ending in 'V' (a key never ends in '0'),
# so they sort after the demo's own; owners, companies, currencies, close dates and stage ages
# vary (some deals rot).
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 <<SQL
WITH p AS (SELECT id FROM pipelines ORDER BY position, name LIMIT 1),
st AS (SELECT s.id, s.pipeline_id, row_number() OVER (ORDER BY s.position) - 1 AS i, count(*) OVER () AS k
         FROM stages s JOIN p ON p.id = s.pipeline_id WHERE s.archived_at IS NULL),
owners AS (SELECT array_agg(id ORDER BY email) AS a FROM users WHERE role IN ('admin', 'manager', 'sales')),
cos AS (SELECT array_agg(id ORDER BY id) AS a FROM companies),
digits AS (SELECT '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'::text AS d)
INSERT INTO deals (pipeline_id, stage_id, title, value_minor, currency, company_id, owner_id, expected_close_date,
                   stage_entered_at, rank, created_by, updated_by)
SELECT st.pipeline_id, st.id, 'Bench deal #' || n, (n * 7919 % 50000) * 100 + 100, (ARRAY['CNY', 'USD', 'EUR'])[n % 3 + 1],
       CASE WHEN n % 4 > 0 THEN cos.a[n % array_length(cos.a, 1) + 1] END, owners.a[n % array_length(owners.a, 1) + 1],
       current_date + (n % 180), now() - make_interval(days => n % 45),
       'B' || substr(d, n / 238328 % 62 + 1, 1) || substr(d, n / 3844 % 62 + 1, 1) || substr(d, n / 62 % 62 + 1, 1)
           || substr(d, n % 62 + 1, 1) || 'V',
       owners.a[1], owners.a[1]
  FROM generate_series(1, $DEALS) n JOIN st ON st.i = n % st.k, owners, cos, digits;
ANALYZE deals;
SQL
pipeline=$(psql "$DATABASE_URL" -tAc "SELECT id FROM pipelines ORDER BY position, name LIMIT 1")
# The open deals of the pipeline's stage number $1 (from 1), in board order: id, rank, version, stage.
stage_deals() {
  psql "$DATABASE_URL" -tA -F ' ' -c "SELECT d.id, d.rank, d.version, d.stage_id FROM deals d
      JOIN (SELECT id, row_number() OVER (ORDER BY position) AS i FROM stages WHERE pipeline_id = '$pipeline' AND archived_at IS NULL) s
        ON s.id = d.stage_id AND s.i = $1
     WHERE d.status = 'open' AND d.deleted_at IS NULL ORDER BY d.rank, d.id"
}
# Moves of the deals of stage $1 to stage $2, the k-th between the k-th and (k+1)-th cards there
# (as a drop between two cards sends them): "deal id<TAB>form body", one a line, $3 of them.
moves() {
  stage_deals "$1" | sed -n "1,$3p" >"$tmp/from"
  stage_deals "$2" >"$tmp/to"
  paste -d ' ' "$tmp/from" <(sed -n "1,$3p" "$tmp/to") <(sed -n "2,$(($3 + 1))p" "$tmp/to") \
    | awk '{printf "%s\tid=%s&version=%s&to%%5Bstage%%5D=%s&to%%5Bafter%%5D=%s&to%%5Bbefore%%5D=%s\n", $1, $1, $3, $8, $5, $9}'
}

serve
cookie=$(sign_in admin@keel.demo)
[ -n "$cookie" ] || { echo "bench-board: could not sign in" >&2; exit 1; }
listener=$(sign_in manager@keel.demo)

# Nearest-rank percentiles of milliseconds, one per line.
percentiles() {
  sort -g | awk '{a[NR]=$1} END {p50=int(NR*0.5+0.999); p95=int(NR*0.95+0.999);
    printf "p50 %7.2f ms  p95 %7.2f ms  max %7.2f ms  (n=%d)", a[p50], a[p95], a[NR], NR}'
}
# Requests over one kept-alive connection, as a browser makes them: a curl config with one
# section per request (`next` keeps the connection). Reads one form body a line (none: GET);
# prints "status seconds" per request.
keepalive() { # URL, extra curl header...
  local target=$1 first=1 body
  shift
  while IFS= read -r body; do
    [ $first = 1 ] || echo next
    first=0
    printf 'url = "%s"\noutput = "/dev/null"\nsilent\nwrite-out = "%%{stderr}%%{http_code} %%{time_total}\\n"\n' "$target"
    printf 'header = "cookie: %s"\nheader = "sec-fetch-site: same-origin"\n' "$cookie"
    for h in "$@"; do printf 'header = "%s"\n' "$h"; done
    [ -z "$body" ] || printf 'data = "%s"\n' "$body"
  done >"$tmp/curl.cfg"
  curl -K "$tmp/curl.cfg" 2>&1 >/dev/null
}
# name, URL, body or "" (GET), extra header...: N+5 requests, the first 5 (connection, warm-up)
# left out; refuses to print times of failed requests.
http() {
  local name=$1 target=$2 body=$3
  shift 3
  for _ in $(seq $((N + 5))); do echo "$body"; done | keepalive "$target" "$@" >"$tmp/times"
  timed "$name"
}
timed() { # name: reads $tmp/times
  local bad
  bad=$(awk '$1 != 200' "$tmp/times" | sort | uniq -c | tr '\n' ' ')
  [ -z "$bad" ] || { echo "bench-board: $1: failed requests (count status time): $bad" >&2; exit 1; }
  printf '%-44s %s\n' "$1" "$(tail -n +6 "$tmp/times" | awk '{print $2 * 1000}' | percentiles)"
}

filter="filter%5Bowner%5D=&filter%5Bq%5D="
open_deals=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.pipeline_id = '$pipeline' AND d.status = 'open' AND d.deleted_at IS NULL")
stages=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM stages WHERE pipeline_id = '$pipeline' AND archived_at IS NULL")
echo "==> board of $open_deals open deals in $stages stages; $N warm requests per case, over one kept-alive connection"
raw=$(curl -s -o /dev/null -w '%{size_download}' -H "cookie: $cookie" "$url/pipeline")
br=$(curl -s -o /dev/null -w '%{size_download}' -H "cookie: $cookie" -H 'accept-encoding: br, gzip' "$url/pipeline")
echo "board page HTML: $raw B raw, $br B as served to a browser (br)"
http "board page (GET /pipeline, SSR)" "$url/pipeline" ""
http "board page, brotli as a browser asks" "$url/pipeline" "" "accept-encoding: br, gzip"
# What every open board loads again on each live event of its pipeline.
http "board server function (load_board)" "$url/api/board" "$filter"
# The next page of the first column, after its 50th card.
read -r after_id rank _ stage < <(stage_deals 1 | sed -n 50p)
http "column page server function (column_page)" "$url/api/column_page" "stage=$stage&after_rank=$rank&after_id=$after_id&$filter"

# 1. Moves: N+5 different deals (each at its own version), stage 2 to stage 3 of the pipeline.
# The time is curl's time_total on a kept-alive connection: sending the request, the server's
# session check, transaction (lock, rank, update, history and audit rows, NOTIFY, the card
# reloaded, commit) and the response; on loopback that is nearly all server time.
moves 2 3 $((N + 5)) | cut -f2 | keepalive "$url/api/move_deal" >"$tmp/times"
timed "move_deal (another stage, between two cards)"

# 2. A move's event at a second client: the manager's event stream is open while the admin moves
# M deals (stage 4 to 5) one at a time; times are from just before the request is sent (and from
# its response) to the arrival of the stream's `data:` line naming the deal at its new version.
moves 4 5 $((M + 3)) >"$tmp/events"
python3 scripts/bench/move_events.py "$url" "$url" "$cookie" "$listener" "$tmp/events"

# 3. The browser: first render of the board and the frames of a pointer drag, in Chromium.
if [ "${KEEL_BENCH_BROWSER:-1}" != 0 ]; then
  echo "==> Chromium (Playwright), the board of $open_deals open deals"
  if (cd end2end && KEEL_BENCH_URL="$url" KEEL_BENCH_PAGES="${KEEL_BENCH_PAGES:-19}" \
        npx playwright test -c bench.config.ts >"$tmp/playwright.log" 2>&1); then
    sed -n 's/^.*bench| //p' "$tmp/playwright.log"
  else
    cat "$tmp/playwright.log" >&2
    echo "bench-board: the browser benchmark failed" >&2
    exit 1
  fi
fi
