# Shared by the benchmark scripts (sourced): the release binary, the test Postgres cluster, and
# helpers to start a server and sign in. Sets KEEL, base_url; `serve` sets url and pid.
source scripts/env.sh
KEEL="${KEEL:-$CARGO_TARGET_DIR/release/keel}"
[ -x "$KEEL" ] || { echo "bench: build first (scripts/build.sh)" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then export KEEL_DATA_DIR=/var/lib/keel/test; else export KEEL_DATA_DIR="$KEEL_CACHE/test-postgres"; fi
export KEEL_PG_PORT=5434 KEEL_LOG=warn
# A DATABASE_URL given (make test's cluster, or one of the user's) is used as it is; else the
# embedded test cluster is started.
if [ -n "${DATABASE_URL:-}" ]; then base_url=$DATABASE_URL; else base_url="$("$KEEL" db start)"; fi

# The URL of database $1 on the same server as base_url.
db_url() {
  sed -E "s#^([^/]*//[^/]*/)[^?]*#\1$1#" <<<"$base_url"
}

# Points DATABASE_URL at database $1, dropped and made again, with the demo data.
fresh_demo_db() {
  psql "$base_url" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null
  psql "$base_url" -qc "CREATE DATABASE $1"
  export DATABASE_URL
  DATABASE_URL=$(db_url "$1")
  "$KEEL" seed-demo >/dev/null
}

# Adds $1 contacts owned by the first administrator to $DATABASE_URL (a list with some weight).
add_contacts() {
  psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO contacts (full_name, emails, owner_id, created_by, updated_by)
SELECT 'Load contact ' || n, ARRAY['load' || n || '@example.com'], u.id, u.id, u.id
  FROM generate_series(1, $1) n, (SELECT id FROM users WHERE role = 'admin' ORDER BY email LIMIT 1) u;
ANALYZE contacts;
SQL
}

# Stops the server `serve` started.
stop_server() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Starts `keel serve` on a free port against $DATABASE_URL and waits until it is healthy.
serve() {
  local port=$((20000 + RANDOM % 20000))
  url="http://127.0.0.1:$port"
  KEEL_ADDR="127.0.0.1:$port" "$KEEL" serve >/dev/null 2>&1 &
  pid=$!
  # A server that exits (a taken port, a failed migration) or stays unhealthy for 60 s ends the run.
  local tries=0
  until curl -sf "$url/healthz" >/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ $((tries += 1)) -gt 1200 ]; then
      echo "serve: keel did not come up on $url" >&2
      exit 1
    fi
    sleep 0.05
  done
}

# The session cookie of a demo user.
sign_in() {
  curl -s -D - -o /dev/null -H 'sec-fetch-site: same-origin' \
    --data "email=$1&password=keel-demo" "$url/api/login" | sed -n 's/^[Ss]et-[Cc]ookie: \(keel_session=[^;]*\).*/\1/p'
}

# Timing helpers (they read N, url and DATABASE_URL; PGBENCH is Debian's pgbench).
PGBENCH=$(ls /usr/lib/postgresql/*/bin/pgbench | tail -1)
percentiles() { # reads milliseconds, one per line
  sort -n | awk '{a[NR]=$1} END {printf "p50 %6.2f ms  p95 %6.2f ms", a[int(NR*0.5)+0], a[int(NR*0.95)]}'
}
http() { # name, curl args…, URL (one connection, kept alive, as a browser does)
  local name=$1; shift
  local args=("${@:1:$#-1}") target=${!#}
  local server
  server=$(curl -s "${args[@]}" -o /dev/null -w '%{stderr}%{time_total}\n' $(printf "$target %.0s" $(seq $((N + 5)))) 2>&1 >/dev/null \
    | tail -n "$N" | awk '{print $1 * 1000}' | percentiles)
  printf '%-34s server %s' "$name" "$server"
}
sql() { # SQL file
  local log
  log=$(mktemp -d)
  (cd "$log" && "$PGBENCH" -n -t "$N" -f "$1" -l "$DATABASE_URL" >/dev/null 2>&1)
  printf '   psql alone %s\n' "$(cat "$log"/pgbench_log.* | awk '{print $3 / 1000}' | percentiles)"
  rm -rf "$log"
}
