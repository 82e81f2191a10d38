#!/bin/sh
# run.sh BUILD_DIR - runs every tests/cli/test-*.sh and prints the closing
# line "cli: N passed, N failed" (", N skipped" when checks could not run).
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BIN=$(cd "${1:-build}" && pwd)
export BIN FIX="$root/tests/fixtures" ROOT="$root"
export ML="${TREC_ML_SMALL:-$root/../shared/datasets/ml-latest-small}"
export RESULTS=$(mktemp)
export PATH="$BIN:$PATH"
scratch=$(mktemp -d)
for t in "$here"/test-*.sh; do
    [ -e "$t" ] || continue
    before=$(wc -l <"$RESULTS")
    T="$scratch/$(basename "$t" .sh)"; mkdir -p "$T"; export T
    (cd "$T" && . "$here/lib.sh" && . "$t")
    n=$(($(wc -l <"$RESULTS") - before))
    echo "$(basename "$t"): $n checks, $(tail -n "$n" "$RESULTS" | grep -c fail) failed$(
        s=$(tail -n "$n" "$RESULTS" | grep -c skip); [ "$s" -gt 0 ] && echo ", $s skipped")"
done
passed=$(grep -c pass "$RESULTS"); failed=$(grep -c fail "$RESULTS")
skipped=$(grep -c skip "$RESULTS")
rm -rf "$scratch" "$RESULTS"
echo "cli: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
