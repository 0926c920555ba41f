#!/usr/bin/env bash
# Runs each cargo-fuzz target in fuzz/ for SECONDS (default 60), or for RUNS executions with
# `--runs RUNS`: `scripts/fuzz.sh [SECONDS | --runs RUNS] [TARGET...]` (default: every target).
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`). Each target
# starts from its seeds (fuzz/seeds/<target>, when there are any) and keeps what it finds in
# fuzz/corpus/<target> (git-ignored); a crash fails the script and leaves the input under
# fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

limit=(-max_total_time=60)
case "${1:-}" in
  --runs) limit=("-runs=$2"); shift 2 ;;
  ''|*[!0-9]*) ;;
  *) limit=("-max_total_time=$1"); shift ;;
esac
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  dirs=("corpus/$target")
  if [ -d "seeds/$target" ]; then
    dirs+=("seeds/$target")
  fi
  echo "== fuzz $target (${limit[*]})"
  mkdir -p artifacts
  log="artifacts/$target.log"
  start=$(date +%s)
  set +e
  # `-print_final_stats`: the execution count, for the README's figures.
  cargo +nightly fuzz run "$target" "${dirs[@]}" -- "${limit[@]}" -print_final_stats=1 >"$log" 2>&1
  status=$?
  set -e
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)' "$log" || true
  echo "   $target: exit $status after $(($(date +%s) - start)) s (log: fuzz/$log)"
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log"
    exit "$status"
  fi
done
