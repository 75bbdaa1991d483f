#!/usr/bin/env bash
# Runs every fuzz target for a bounded time: `scripts/fuzz.sh [SECONDS]`
# (default 60 per target). Installs cargo-fuzz if it is missing. The
# machine's toolchain is stable, so the fuzz build is allowed nightly flags
# with RUSTC_BOOTSTRAP and runs without a sanitizer.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/strand-target}/fuzz"
for target in $(cargo fuzz list); do
    echo "== fuzz $target for ${seconds}s"
    mkdir -p "corpus/$target"
    cargo fuzz run --sanitizer none "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048
done
