#!/usr/bin/env bash
# What open event streams cost the server: N browsers' streams (default 200; half the admin's,
# half the manager's, each its own connection to `/api/events`), held open. Prints the server's
# resident memory before and with them open (and per stream), then the time for one deal move to
# reach all of them (p50/p95/max over M moves, from just before each move is sent to its event's
# arrival at the last stream).
# Usage: scripts/bench-streams.sh [streams (200)] [moves (20)]   (run scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200}"
M="${2:-20}"
source scripts/bench/common.sh
fresh_demo_db keel_streams_bench
serve
trap stop_server EXIT
mib() { awk -v k="$1" '$1 == k":" { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
admin=$(sign_in admin@keel.demo)
manager=$(sign_in manager@keel.demo)
deal=$(psql "$DATABASE_URL" -tA -F ' ' -c "SELECT d.id, d.version, d.stage_id, s.id FROM deals d JOIN stages s ON s.pipeline_id = d.pipeline_id
  WHERE d.status = 'open' AND d.deleted_at IS NULL AND s.id <> d.stage_id AND s.archived_at IS NULL ORDER BY d.rank, s.position LIMIT 1")
# Settle after sign-in (the hashing threads' work areas are kept), then measure.
sleep 1
before=$(mib VmRSS)
KEEL_RSS="/proc/$pid/status" python3 - "$url" "$N" "$M" "$admin" "$manager" "$before" $deal <<'PY'
import http.client, json, os, sys, threading, time, urllib.parse

sys.path.insert(0, "scripts/bench")
from stats import pct

url, n, m, admin, manager, before, deal, version, home, stage = sys.argv[1:11]
n, m, version, before = int(n), int(m), int(version), float(before)
u = urllib.parse.urlsplit(url)

def rss():
    for line in open(os.environ["KEEL_RSS"]):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

seen, cond, ready = {}, threading.Condition(), threading.Barrier(n + 1)

def listen(cookie):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    c.request("GET", "/api/events", headers={"cookie": cookie, "accept": "text/event-stream"})
    r = c.getresponse()
    if r.status != 200:
        sys.exit(f"bench-streams: /api/events answered {r.status}")
    ready.wait()
    for line in iter(r.fp.readline, b""):
        if line.startswith(b"data:"):
            try:
                v = json.loads(line[5:]).get("version")
            except ValueError:
                continue
            t = time.perf_counter()
            with cond:
                seen.setdefault(v, []).append(t)
                cond.notify_all()

for i in range(n):
    threading.Thread(target=listen, args=(admin if i % 2 else manager,), daemon=True).start()
ready.wait()
time.sleep(2)
held = rss()
print(f"{n} open event streams: server memory {before:.1f} MiB -> {held:.1f} MiB "
      f"({held - before:+.1f} MiB, {(held - before) * 1024 / n:.1f} KiB a stream)")

conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
headers = {"cookie": admin, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded"}
times = []
for i in range(m):
    t0 = time.perf_counter()
    to = stage if i % 2 == 0 else home
    conn.request("POST", "/api/move_deal", body=f"id={deal}&version={version}&to%5Bstage%5D={to}", headers=headers)
    r = conn.getresponse()
    data = json.loads(r.read())
    if r.status != 200:
        sys.exit(f"bench-streams: move_deal answered {r.status}: {data}")
    version = data["version"]
    with cond:
        if not cond.wait_for(lambda: len(seen.get(version, [])) >= n, timeout=10):
            sys.exit(f"bench-streams: move {i}: {len(seen.get(version, []))} of {n} streams heard it within 10 s")
        times.append((max(seen[version]) - t0) * 1000)
    time.sleep(0.05)
print(f"a move's event at all {n} streams: {pct(times)}")
print(f"server memory after the moves: {rss():.1f} MiB")
PY
