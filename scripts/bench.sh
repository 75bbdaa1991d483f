#!/usr/bin/env bash
# The coding benchmark, one command: `scripts/bench.sh [MEGABYTES] [RUNS]`
# (default 100 MB, 5 runs). Generates the synthetic corpus once under
# bench/generated/ (not committed), builds in release mode, codes the
# corpus RUNS times and prints each run's throughput and the best. Record
# results in BENCHMARKS.md with the machine and date.
#
# Wall-clock figures move with whatever else the machine runs; to judge a
# change, count instructions instead (repeatable under load):
#   valgrind --tool=callgrind "$CARGO_TARGET_DIR/release/examples/bench" \
#     profile bench/generated/corpus-5mb 1
set -euo pipefail
cd "$(dirname "$0")/.."
mb="${1:-100}"
runs="${2:-5}"
dir="bench/generated/corpus-${mb}mb"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/strand-target}"
cargo build -q --release -p strand-coding --example bench
bench="$CARGO_TARGET_DIR/release/examples/bench"
[ -d "$dir" ] || "$bench" generate "$dir" "$mb"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
best=0
for _ in $(seq "$runs"); do
  line=$("$bench" code "$dir")
  echo "$line"
  mbs=${line##*: }
  mbs=${mbs%% MB/s}
  [ "$mbs" -gt "$best" ] && best=$mbs
done
echo "best of $runs: $best MB/s"
