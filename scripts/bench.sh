#!/usr/bin/env bash
# The coding benchmark, one command: `scripts/bench.sh [MEGABYTES]`
# (default 100). Generates the synthetic corpus once under
# bench/generated/ (not committed), builds in release mode, and prints
# throughput. Record results in BENCHMARKS.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
mb="${1:-100}"
dir="bench/generated/corpus-${mb}mb"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/strand-target}"
cargo build -q --release -p strand-coding --example bench
bench="$CARGO_TARGET_DIR/release/examples/bench"
[ -d "$dir" ] || "$bench" generate "$dir" "$mb"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for run in 1 2 3; do "$bench" code "$dir"; done
