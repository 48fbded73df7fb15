#!/usr/bin/env bash
# The public API fuzzed against its own OpenAPI document with Schemathesis (installed by
# scripts/setup.sh): every operation, generated and mutated inputs, and stateful sequences
# (create, then read, change and delete what was made), as an administrator with every grant and as
# a sales rep (another data scope). Checks: no 5xx, responses that match their schema, status codes
# and content types the document declares. Part of `make test`; prints the case count.
# Usage: scripts/api-fuzz.sh [examples per operation] (default 100, about 5,500 cases in all);
# KEEL_FUZZ_SEED=random explores anew instead of the fixed seed.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100}"
source scripts/bench/common.sh
ST="$KEEL_CACHE/tools/py/bin/st"
[ -x "$ST" ] || { echo "api-fuzz: run scripts/setup.sh first (Schemathesis)" >&2; exit 1; }
seed=()
[ "${KEEL_FUZZ_SEED:-}" = random ] || seed=(--seed "${KEEL_FUZZ_SEED:-20261130}")

fresh_demo_db keel_fuzz
admin=$("$KEEL" create-token --email admin@keel.demo --grants all=write --name fuzz)
sales=$("$KEEL" create-token --email sales@keel.demo --grants all=write --name fuzz)
# The rate limit is tested on its own (server/src/api_tests.rs); here it would only slow the run.
export KEEL_API_RATE=1000000
serve
trap stop_server EXIT

fuzz() {
  echo "==> Schemathesis as $1 ($2 examples per operation)"
  (cd "$KEEL_CACHE" && "$ST" run "$url/api/v1/openapi.json" --no-color "${seed[@]}" \
    -H "Authorization: Bearer $3" --max-examples "$2" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance)
}
fuzz "an administrator" "$N" "$admin"
fuzz "a sales rep" "$((N / 4 + 1))" "$sales"
