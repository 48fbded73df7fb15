#!/usr/bin/env python3
"""A move's event at a second client: the listener's event stream (`/api/events` at LISTENER_URL)
is open while the mover moves deals one at a time (`/api/move_deal` at MOVER_URL, one request a
line of MOVES: "deal id<TAB>form body"). Prints p50/p95/max of the times from just before each
request is sent (and from its response) to the arrival of the stream's `data:` line naming the
deal at its new version; the first 3 moves warm up and are left out. A deal may be moved more
than once: from its second move on, the `version=` of its line is replaced by the one it reached.
Usage: move_events.py MOVER_URL LISTENER_URL MOVER_COOKIE LISTENER_COOKIE MOVES"""
import http.client, json, re, sys, threading, time, urllib.parse

from stats import pct

mover_url, listener_url, mover, listener, path = sys.argv[1:6]
u = urllib.parse.urlsplit(mover_url)
v = urllib.parse.urlsplit(listener_url)
moves = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
WARM = 3

sse = http.client.HTTPConnection(v.hostname, v.port, timeout=30)
sse.request("GET", "/api/events", headers={"cookie": listener, "accept": "text/event-stream"})
stream = sse.getresponse()
if stream.status != 200:
    sys.exit(f"move-events: /api/events answered {stream.status}")
arrived, cond = {}, threading.Condition()

def read():
    # The raw socket: chunk-size lines pass by; a `data:` line is whole within its chunk.
    for line in iter(stream.fp.readline, b""):
        t = time.perf_counter()
        if line.startswith(b"data:"):
            try:
                e = json.loads(line[5:])
            except ValueError:
                continue
            with cond:
                arrived.setdefault((e.get("deal"), e.get("version")), t)
                cond.notify_all()

threading.Thread(target=read, daemon=True).start()
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
headers = {"cookie": mover, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded"}
rtt, from_send, from_response, lost, versions = [], [], [], 0, {}
for i, (deal, body) in enumerate(moves):
    if deal in versions:
        body = re.sub(r"version=\d+", f"version={versions[deal]}", body)
    t0 = time.perf_counter()
    conn.request("POST", "/api/move_deal", body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    t1 = time.perf_counter()
    if r.status != 200:
        sys.exit(f"move-events: move_deal answered {r.status}: {data[:200]!r}")
    versions[deal] = json.loads(data)["version"]
    key = (deal, versions[deal])
    with cond:
        if not cond.wait_for(lambda: key in arrived, timeout=5):
            lost += 1
            continue
        t2 = arrived[key]
    if i >= WARM:
        rtt.append((t1 - t0) * 1000)
        from_send.append((t2 - t0) * 1000)
        from_response.append((t2 - t1) * 1000)
    time.sleep(0.02)

if not from_send:
    sys.exit(f"move-events: no event reached the second client ({lost} moves)")

print(f"{'event at a 2nd client, from the move sent':44} {pct(from_send)}")
print(f"{'  the same, from the move response':44} {pct(from_response)}  (negative: before it)")
print(f"{'  the move round trip, alone':44} {pct(rtt)}")
if lost:
    print(f"  events not seen within 5 s: {lost}")
