#!/usr/bin/env bash
# CSV import and export throughput: imports a generated file of N contacts (default 100,000; 500
# companies; every 50th row a duplicate of an earlier one, skipped) into a fresh database over
# HTTP as the browser does (upload, start, follow), then again updating the contacts it matches,
# then exports them back; then a file of M
# companies (default 10,000; written one by one, as leads and deals are). Then a HubSpot-shaped
# contacts export of N rows (first and last names, record ids, owners, creation dates, lifecycle
# stages) into a fresh database, as CSV and as the same rows in an .xlsx workbook.
# Usage: scripts/bench-import.sh [rows] [company rows]   (run scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
M="${2:-10000}"
source scripts/bench/common.sh
fresh_demo_db keel_import_bench
serve
xlsx=$(mktemp --suffix=.xlsx)
trap 'stop_server; rm -f "$csv" "$xlsx"' EXIT
cookie=$(sign_in admin@keel.demo)
csv=$(mktemp --suffix=.csv)
awk -v n="$N" 'BEGIN {
  print "姓名,邮箱,手机,公司,职位,标签,备注"
  for (i = 1; i <= n; i++) {
    j = (i % 50 == 0) ? i - 1 : i
    printf "联系人 %d,person%d@example.cn,+86 139 %08d,Company %d,Buyer,\"vip, import\",Row %d\n", i, j, j, i % 500, i
  }
}' >"$csv"
printf 'file: %d rows, %.1f MB\n' "$N" "$(($(stat -c %s "$csv") / 100000))e-1"

now() { date +%s.%N; }
# Uploads $2 as $1, imports it under the mapping $3 with duplicates handled as $4 (default skip),
# prints the figures: among them the longest batch (the longest time between two progress steps,
# which bounds how long an update holds its row locks).
import_file() {
  local t0 t1 t2 id status rows step last=-1 at longest=0
  rows=${ROWS:-$(($(wc -l <"$2") - 1))}
  t0=$(now)
  id=$(curl -sf -H "cookie: $cookie" -H 'sec-fetch-site: same-origin' -H "x-file-name: $(basename "$2")" \
    --data-binary @"$2" "$url/import/$1" | tr -d '"')
  t1=$(now)
  curl -sf -H "cookie: $cookie" -H 'sec-fetch-site: same-origin' \
    --data "id=$id&$3&on_duplicate=${4:-skip}&all_or_nothing=false" "$url/api/start_import" >/dev/null
  at=$(now)
  until status=$(curl -sf -H "cookie: $cookie" -H 'sec-fetch-site: same-origin' --data "id=$id" "$url/api/import_status") &&
    echo "$status" | grep -q '"result":{'; do
    if echo "$status" | grep -qE '"error":\{|"interrupted":true'; then echo "$1 ${2##*.} (${4:-skip}) stopped: $status" >&2; exit 1; fi
    step=$(echo "$status" | sed -n 's/.*"done":\([0-9]*\).*/\1/p')
    if [ -n "$step" ] && [ "$step" != "$last" ]; then
      # From the first batch on (before it, the file is being checked).
      if [ "$last" -gt 0 ] 2>/dev/null; then longest=$(awk -v a="$at" -v b="$(now)" -v l="$longest" 'BEGIN { d = b - a; print (d > l ? d : l) }'); fi
      last=$step
      at=$(now)
    fi
    sleep 0.05
  done
  t2=$(now)
  echo "$1 ${2##*.} (${4:-skip}) outcome: $(echo "$status" | sed 's/.*"result":\({[^}]*\)\(,"errors".*\)\?}.*/\1/' | cut -c1-120)"
  awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$rows" -v k="$1 ${2##*.} (${4:-skip})" -v l="$longest" 'BEGIN {
    printf "%s: upload %.2f s; import %.1f s (%.0f rows/s); total %.1f s; longest batch %.2f s\n", k, b - a, c - b, n / (c - b), c - a, l }'
}
contact_mapping="mapping[0]=full_name&mapping[1]=emails&mapping[2]=phones&mapping[3]=company&mapping[4]=title&mapping[5]=tags&mapping[6]=notes"
import_file contacts "$csv" "$contact_mapping"
# The same file again, each row updating the contact it matches (row locks, one batch at a time).
import_file contacts "$csv" "$contact_mapping" update

t3=$(now)
bytes=$(curl -sf -H "cookie: $cookie" -o /dev/null -w '%{size_download}' "$url/export/contacts.csv")
t4=$(now)
rows=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM contacts WHERE deleted_at IS NULL")
awk -v a="$t3" -v b="$t4" -v n="$rows" -v s="$bytes" 'BEGIN {
  printf "export %d contacts: %.2f s (%.0f rows/s, %.1f MB)\n", n, b - a, n / (b - a), s / 1e6 }'

awk -v n="$M" 'BEGIN {
  print "公司名称,行业,电话,官网"
  for (i = 1; i <= n; i++) printf "Bench Co %d,Software,+86 10 %08d,co%d.example.cn\n", i, i, i
}' >"$csv"
import_file companies "$csv" "mapping[0]=name&mapping[1]=industry&mapping[2]=phone&mapping[3]=website"

# HubSpot's contacts export: 100 owners among the demo users (some unknown), every row with its
# record id, a company of 500, a lifecycle stage and a creation date.
awk -v n="$N" 'BEGIN {
  print "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,Lifecycle Stage,Contact owner,Create Date"
  split("subscriber lead marketingqualifiedlead salesqualifiedlead opportunity customer", stage, " ")
  split("Sarah Miller,sales@keel.demo,Alex Admin,Ghost Rep", owner, ",")
  for (i = 1; i <= n; i++)
    printf "%d,Ada%d,Lovelace%d,ada%d@example.com,+1 415 %07d,Acme %d,Engineer,%s,%s,2024-%02d-%02d %02d:%02d\n",
      100000 + i, i, i, i, i, i % 500, stage[i % 6 + 1], owner[i % 4 + 1], i % 12 + 1, i % 28 + 1, i % 24, i % 60
}' >"$csv"
python3 scripts/bench/xlsx.py "$csv" "$xlsx" 9
printf 'HubSpot export: %d rows, CSV %.1f MB, XLSX %.1f MB\n' "$N" "$(($(stat -c %s "$csv") / 100000))e-1" "$(($(stat -c %s "$xlsx") / 100000))e-1"
hubspot_mapping="mapping[0]=external_id&mapping[1]=first_name&mapping[2]=last_name&mapping[3]=emails&mapping[4]=phones&mapping[5]=company&mapping[6]=title&mapping[7]=lifecycle&mapping[8]=owner&mapping[9]=created_at"
for file in "$csv" "$xlsx"; do
  stop_server
  fresh_demo_db keel_import_bench
  serve
  cookie=$(sign_in admin@keel.demo)
  ROWS=$N import_file contacts "$file" "$hubspot_mapping"
done
