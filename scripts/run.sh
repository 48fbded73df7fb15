#!/usr/bin/env bash
# Sets up, builds and starts Keel with demo data on http://127.0.0.1:3000 (KEEL_ADDR to change).
# Without DATABASE_URL, Keel runs its own Postgres under KEEL_DATA_DIR (default /var/lib/keel as root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
source scripts/env.sh
exec "$CARGO_TARGET_DIR/release/keel" serve --demo
