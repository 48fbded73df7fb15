#!/usr/bin/env python3
"""The crash drill's client: writes N notes and moves over HTTP as the app's offline queue does
(each write with its own key, sent again with the same key until the server answers), while the
drill kills the server and Postgres under it. Records every acknowledged write in a JSON file."""
import json, sys, time, urllib.error, urllib.parse, urllib.request, uuid

url, contact, deal, stages, n, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","), int(sys.argv[5]), sys.argv[6]
cookie = None
stats = {"notes": [], "moves": 0, "retries": 0, "errors_5xx": 0, "refused": 0}


def call(path, form, auth=True):
    data = urllib.parse.urlencode(form).encode()
    req = urllib.request.Request(url + path, data=data, headers={"sec-fetch-site": "same-origin"})
    if auth and cookie:
        req.add_header("cookie", cookie)
    with urllib.request.urlopen(req, timeout=10) as res:
        return res.status, res.headers, res.read()


def sign_in():
    global cookie
    while True:
        try:
            _, headers, _ = call("/api/login", {"email": "admin@keel.demo", "password": "keel-demo"}, auth=False)
            for h in headers.get_all("set-cookie") or []:
                if h.startswith("keel_session=") and not h.startswith("keel_session=;"):
                    cookie = h.split(";")[0]
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.2)


def send(path, form):
    """Sends until the server answers: (True, body) once taken, (False, None) if refused."""
    while True:
        try:
            return True, json.loads(call(path, form)[2] or b"null")
        except urllib.error.HTTPError as e:
            if e.code == 401:
                sign_in()
            elif e.code >= 500:
                stats["errors_5xx"] += 1
            else:
                stats["refused"] += 1
                return False, None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        stats["retries"] += 1
        time.sleep(0.1)


sign_in()
version = int(sys.argv[7])
for i in range(n):
    if i % 5 == 4:
        ok, card = send("/api/move_deal", {"id": deal, "version": version, "to[stage]": stages[(i // 5) % 2], "key": str(uuid.uuid4())})
        if ok:
            version = card["version"]
            stats["moves"] += 1
        continue
    body = f"drill note {i} {uuid.uuid4().hex[:8]}"
    form = {"about": "contact", "id": contact, "input[kind]": "note", "input[body]": body, "key": str(uuid.uuid4())}
    if send("/api/log_interaction", form)[0]:
        stats["notes"].append(body)
json.dump(stats, open(out, "w"))
print(f"client: {len(stats['notes'])} notes and {stats['moves']} moves acknowledged, "
      f"{stats['retries']} resends, {stats['errors_5xx']} 5xx answers, {stats['refused']} refused")
