# Shared environment for Keel's scripts (sourced, not run).
KEEL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
KEEL_CACHE="${KEEL_CACHE:-$HOME/.cache/keel}"
export KEEL_CACHE
# One stable target folder outside the checkout, so fresh clones (CI) build incrementally.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$KEEL_CACHE/target}"
# wasm-opt from npm's binaryen (Debian's binaryen 108 writes wasm that fails to hydrate).
export PATH="$KEEL_CACHE/tools/node_modules/.bin:$PATH"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$KEEL_ROOT/target/site}"
export KEEL_SITE_ROOT="${KEEL_SITE_ROOT:-$LEPTOS_SITE_ROOT}"
