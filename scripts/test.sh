#!/usr/bin/env bash
# Every test: the Rust unit, database and HTTP tests against a real Postgres (a fresh database per
# test), then the Playwright suite in Debian's Chromium against the release build. With arguments,
# only the browser tests run, with those arguments (`scripts/test.sh visual --update-snapshots`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
# The shared target dir grows with every checkout path and incremental session; past 30 GB, drop
# what is cheap to rebuild (incremental caches and the workspace crates' own artifacts; the
# dependencies stay), so that the disk never fills mid-build.
if [ "$(du -s --block-size=1G "$CARGO_TARGET_DIR" 2>/dev/null | cut -f1)" -gt 30 ] 2>/dev/null; then
  echo "==> pruning $CARGO_TARGET_DIR"
  rm -rf "$CARGO_TARGET_DIR"/{debug,release}/incremental
  rm -f "$CARGO_TARGET_DIR"/{debug,release}/deps/{app,keel,server,frontend,libapp,libserver,libfrontend}-*
fi
scripts/build.sh
KEEL="$CARGO_TARGET_DIR/release/keel"

# The tests' own Postgres cluster, apart from the one `make run` uses. As root it must live where
# the `postgres` user can reach it.
if [ "$(id -u)" = 0 ]; then default_dir=/var/lib/keel/test; else default_dir="$KEEL_CACHE/test-postgres"; fi
export KEEL_DATA_DIR="${KEEL_TEST_DATA_DIR:-$default_dir}"
export KEEL_PG_PORT="${KEEL_TEST_PG_PORT:-5434}"
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$("$KEEL" db start)"
  trap '"$KEEL" db stop >/dev/null 2>&1 || true' EXIT
fi
export DATABASE_URL

if [ $# -eq 0 ]; then
  echo "==> Rust tests"
  cargo test -p app -p server --features app/ssr
  echo "==> API fuzz"
  scripts/api-fuzz.sh
fi

echo "==> browser tests"
(cd end2end && KEEL_BIN="$KEEL" npx playwright test "$@")
