#!/usr/bin/env bash
# Crash drill (figures, not a test): a client writes N notes and moves (default 10,000) as the
# offline queue does, sending each again with its key until answered, while the server is killed
# with SIGKILL every second or two and restarted, and Postgres is killed once mid-run. Afterwards
# every write the client saw acknowledged must be stored exactly once, each move with its stage
# history and audit row.
# Usage: scripts/crash-drill.sh [N]   (run scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
source scripts/bench/common.sh
fresh_demo_db keel_crash_drill
db="$DATABASE_URL"
q() { psql "$db" -tAc "$1"; }
contact=$(q "SELECT id FROM contacts WHERE deleted_at IS NULL ORDER BY full_name LIMIT 1")
IFS='|' read -r deal version < <(q "SELECT id, version FROM deals WHERE status = 'open' ORDER BY title LIMIT 1")
stages=$(q "SELECT string_agg(id::text, ',' ORDER BY position) FROM (SELECT s.id, s.position FROM stages s JOIN deals d ON d.pipeline_id = s.pipeline_id WHERE d.id = '$deal' AND s.archived_at IS NULL ORDER BY s.position LIMIT 2) x")
moves_before=$(q "SELECT count(*) FROM deal_stage_history WHERE deal_id = '$deal'")
audit_before=$(q "SELECT count(*) FROM audit_log WHERE entity = 'deal' AND entity_id = '$deal' AND changes ? 'stage'")

port=$((20000 + RANDOM % 20000))
url="http://127.0.0.1:$port"
start() {
  KEEL_ADDR="127.0.0.1:$port" "$KEEL" serve >>/tmp/keel-crash-drill.log 2>&1 &
  pid=$!
}
out=$(mktemp)
trap 'kill -9 "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
start
until curl -sf "$url/healthz" >/dev/null; do sleep 0.05; done
t0=$(date +%s.%N)
python3 scripts/bench/crash_client.py "$url" "$contact" "$deal" "$stages" "$N" "$out" "$version" &
client=$!
kills=0 pg_killed=0
while kill -0 "$client" 2>/dev/null; do
  sleep "1.$((RANDOM % 10))"
  kill -0 "$client" 2>/dev/null || break
  if [ "$kills" = 4 ] && [ "$pg_killed" = 0 ]; then
    # Postgres dies instead, mid-run, under a running server: it must answer errors meanwhile,
    # reconnect once Postgres is back, and lose nothing acknowledged.
    kill -9 "$(head -1 "$KEEL_DATA_DIR/postgres/postmaster.pid")" 2>/dev/null || true
    sleep 2
    env -u DATABASE_URL "$KEEL" db start >/dev/null
    pg_killed=1
    continue
  fi
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  kills=$((kills + 1))
  start
done
wait "$client"
t1=$(date +%s.%N)

acked=$(python3 -c "import json,sys; s=json.load(open('$out')); print(len(s['notes'])); print(s['moves'])")
notes_acked=$(echo "$acked" | sed -n 1p)
moves_acked=$(echo "$acked" | sed -n 2p)
python3 -c "import json; [print(b) for b in json.load(open('$out'))['notes']]" >"$out.bodies"
IFS='|' read -r missing twice < <(psql "$db" -qtA -c "CREATE TEMP TABLE acked (body text)" \
  -c "\\copy acked FROM '$out.bodies'" \
  -c "SELECT count(*) FILTER (WHERE n = 0), count(*) FILTER (WHERE n > 1) FROM (SELECT a.body, (SELECT count(*) FROM activities x WHERE x.body = a.body) AS n FROM acked a) c" | grep '|' | tail -1)
rm -f "$out.bodies"
moves_stored=$(( $(q "SELECT count(*) FROM deal_stage_history WHERE deal_id = '$deal'") - moves_before ))
audit_stored=$(( $(q "SELECT count(*) FROM audit_log WHERE entity = 'deal' AND entity_id = '$deal' AND changes ? 'stage'") - audit_before ))
printf 'drill: %d writes in %.0f s, server killed %d times, Postgres killed %d time(s)\n' "$N" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$kills" "$pg_killed"
printf 'notes: %d acknowledged, %d missing, %d stored twice\n' "$notes_acked" "$missing" "$twice"
printf 'moves: %d acknowledged, %d stage-history rows, %d audit rows\n' "$moves_acked" "$moves_stored" "$audit_stored"
[ "$missing" = 0 ] && [ "$twice" = 0 ] && [ "$moves_acked" = "$moves_stored" ] && [ "$moves_acked" = "$audit_stored" ] && echo "drill: nothing acknowledged was lost or doubled"
