#!/usr/bin/env bash
# What a flood of wrong sign-ins costs the server: N clients (default 200), each from its own
# address and for its own email, all at once, against the release build over HTTP. Prints the
# wall time, the answers by HTTP status (a wrong password is refused, 429 says come back), and the
# server's resident memory before and at its peak.
# Usage: scripts/bench-sign-in.sh [clients]   (run scripts/build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200}"
source scripts/bench/common.sh
fresh_demo_db keel_sign_in_bench
# Each client's address comes from this header (as behind a proxy), so the per-address limit
# does not merge them into one.
export KEEL_CLIENT_IP_HEADER=X-Forwarded-For
serve
trap stop_server EXIT
mib() { awk -v k="$1" '$1 == k":" { printf "%d", $2 / 1024 }' "/proc/$pid/status"; }
before=$(mib VmRSS)
t0=$(date +%s.%N)
export url
seq 1 "$N" | xargs -P "$N" -I{} bash -c 'i={}; curl -s -o /dev/null -w "%{http_code}\n" \
  -H "sec-fetch-site: same-origin" -H "x-forwarded-for: 10.0.$((i / 256)).$((i % 256))" \
  --data "email=p$i@keel.test&password=guess-guess" "$url/api/login"' >/tmp/keel-sign-in-bench.$$ 2>/dev/null || true
t1=$(date +%s.%N)
codes=$(sort /tmp/keel-sign-in-bench.$$ | uniq -c | awk '{ printf "%s%d × %s", (NR > 1 ? ", " : ""), $1, $2 }')
rm -f /tmp/keel-sign-in-bench.$$
awk -v a="$t0" -v b="$t1" -v n="$N" -v c="$codes" -v m0="$before" -v m1="$(mib VmHWM)" 'BEGIN {
  printf "%d wrong sign-ins at once: %.2f s; answers by HTTP status: %s (429: told to retry); server memory %d MiB -> peak %d MiB\n", n, b - a, c, m0, m1 }'
