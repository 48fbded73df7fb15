#!/usr/bin/env bash
# Webhooks: what the outbox costs a write, and how fast the worker delivers. On a fresh demo
# database with N more contacts: the time to write N audit rows (one statement, as a bulk change
# writes them) with no subscription and with a `*.*` subscription (the triggers then write N events
# and N deliveries in the same transaction); then, with `keel serve` running its worker and a
# receiver on the loopback address answering 200, the time until all N deliveries have arrived:
# deliveries per second and the delay from commit to arrival (p50/p95).
# Usage: scripts/bench-webhooks.sh [N (2000)]   (run scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-2000}"
source scripts/bench/common.sh
fresh_demo_db keel_hooks_bench
add_contacts "$N"
tmp=$(mktemp -d)
rport=$((40000 + RANDOM % 10000))
cat >"$tmp/receiver.py" <<'PY'
import http.server, json, sys, time
log = open(sys.argv[2], "a", buffering=1)
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a receiver behind a web server answers
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        log.write(f"{time.time()} {body['occurred_at']}\n")
        self.send_response(200); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *a): pass
# A backlog of 5 (the default) drops connections a worker opens side by side (1 s SYN retries).
http.server.ThreadingHTTPServer.request_queue_size = 256
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$tmp/receiver.py" "$rport" "$tmp/arrived" &
rpid=$!
trap 'stop_server; kill $rpid 2>/dev/null; rm -rf "$tmp"' EXIT

audit() { # writes N audit rows about the contacts in one statement; prints its milliseconds
  psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 <<SQL | tail -1
\timing on
INSERT INTO audit_log (entity, entity_id, actor_id, action, changes)
SELECT 'contact', c.id, c.owner_id, 'update', '{"title": {"old": null, "new": "Bench"}}'
  FROM contacts c WHERE c.full_name LIKE 'Load contact %';
SQL
}
ms() { sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'; }
without=$(audit | ms)
admin=$(psql "$DATABASE_URL" -tAc "SELECT id FROM users WHERE role = 'admin' ORDER BY email LIMIT 1")
psql "$DATABASE_URL" -qc "INSERT INTO webhooks (url, events, secret, allow_private, owner_id)
  VALUES ('http://127.0.0.1:$rport/hook', '{*.*}', 'whsec_bench', true, '$admin')"
# Nothing delivers yet: the server (and its worker) is not running.
with=$(audit | ms)
printf '%-52s %9.1f ms\n' "$N audit rows, no subscription" "$without" "$N audit rows, a *.* subscription (events + deliveries)" "$with"

start=$(date +%s.%N)
serve
until [ "$(wc -l <"$tmp/arrived" 2>/dev/null || echo 0)" -ge "$N" ]; do sleep 0.05; done
end=$(date +%s.%N)
python3 - "$tmp/arrived" "$start" "$end" "$N" <<'PY'
import sys, datetime
rows = [l.split() for l in open(sys.argv[1])]
start, end, n = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"{n} deliveries after a start: {end - start:.2f} s, {n / (end - start):.0f} deliveries/s")
PY

# Live: N more events written while the worker runs; the delay from commit to arrival.
: >"$tmp/arrived"
audit >/dev/null
until [ "$(wc -l <"$tmp/arrived")" -ge "$N" ]; do sleep 0.05; done
python3 - "$tmp/arrived" <<'PY'
import sys, datetime
delays = sorted(float(a) - datetime.datetime.fromisoformat(o.replace("Z", "+00:00")).timestamp()
                for a, o in (l.split() for l in open(sys.argv[1])))
p = lambda q: delays[min(len(delays) - 1, int(len(delays) * q))] * 1000
print(f"{len(delays)} events written at once, commit to arrival: p50 {p(0.5):.0f} ms  p95 {p(0.95):.0f} ms  last {delays[-1] * 1000:.0f} ms")
PY
