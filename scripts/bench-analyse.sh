#!/usr/bin/env bash
# The analysis benchmark, one command: `scripts/bench-analyse.sh [N] [RUNS]`
# (defaults 10000 and 3). Generates N interview transcripts once under
# bench/generated/ (not committed; stitched from the sample study's
# exchanges, see crates/transcript/examples/bench_corpus.rs), builds strand with
# the `bench-analyse` profile (Cargo.toml: strand optimised, polars at
# opt-level 1; a full release build of polars takes ~30 min on 2 cores),
# then times `strand analyse` on them RUNS times with /usr/bin/time -v and
# prints each run's wall-clock seconds and peak resident memory, the best,
# and the best run's time and memory per stage (`strand analyse --timings`).
# Record results in BENCHMARKS.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
runs="${2:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/strand-target}"
# Two builds, not one: an example of `strand` would bring in its
# dev-dependencies and change (and rebuild) polars.
cargo build -q --profile bench-analyse -p strand --bin strand
cargo build -q --profile bench-analyse -p strand-transcript --example bench_corpus
bin="$CARGO_TARGET_DIR/bench-analyse"
dir="bench/generated/analyse-$n"
[ -d "$dir" ] || "$bin/examples/bench_corpus" corpora/sample-study "$dir" "$n"
echo "corpus: $dir, $(ls "$dir/transcripts" | wc -l) transcripts, $(du -sh "$dir/transcripts" | cut -f1)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
best=""
for run in $(seq 1 "$runs"); do
  log="$(mktemp)"
  /usr/bin/time -v "$bin/strand" analyse --timings --corpus "$dir" --out "bench/generated/analyse-$n-out" > /dev/null 2> "$log"
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$log")
  peak=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
  echo "run $run: ${secs} s, peak ${peak} MiB"
  if [ -z "$best" ] || awk "BEGIN { exit !($secs < $best) }"; then
    best="$secs"; best_peak="$peak"; stages="$(grep '^timing' "$log")"
  fi
  rm -f "$log"
done
echo "best: ${best} s, peak ${best_peak} MiB"
echo "$stages"
